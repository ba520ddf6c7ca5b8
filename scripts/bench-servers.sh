#!/usr/bin/env bash
# Sourced by the benchmark scripts (bench.sh, bench-ab.sh, bench-coldstart.sh, bench-keys.sh, bench-profile.sh): their
# options, wrk, free loopback ports, the fast fake provider and embedded gateways started in the background and killed on exit.

# Installs wrk from Debian's packages when it is missing.
bench_ensure_wrk() {
  command -v wrk >/dev/null 2>&1 && return
  echo "installing wrk (Debian package)"
  local sudo_cmd=""
  [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq wrk
}

# bench_parse_options "NAME ... OPTION=NAME ..." ARGS...: each --NAME VALUE (or --OPTION VALUE) in ARGS sets the variable
# NAME (dashes as underscores) to VALUE; every other argument goes, in order, to the array bench_args.
bench_parse_options() {
  local specs=$1 spec var
  shift
  bench_args=()
  while [[ $# -gt 0 ]]; do
    var=""
    for spec in $specs; do
      if [[ $1 == "--${spec%%=*}" ]]; then var=${spec#*=}; var=${var//-/_}; break; fi
    done
    if [[ -n $var ]]; then printf -v "$var" '%s' "$2"; shift 2; else bench_args+=("$1"); shift; fi
  done
}

bench_free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# Every process started here; killed when the sourcing script exits. SIGKILL: the fake provider's
# host takes SIGTERM for itself and its Main then never returns.
bench_pids=()
bench_stop_all() { for p in "${bench_pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done; }
trap bench_stop_all EXIT

# bench_start_fake_provider PORT LOG [LATENCY_MS]: the fake provider (16 chunks; no latency unless given) on 127.0.0.1:PORT.
bench_start_fake_provider() {
  (cd Tests/FakeProvider/bin/Release/net10.0 && exec dotnet OrleansGateway.FakeProvider.dll --urls "http://127.0.0.1:$1" --latency-ms "${3:-0}" --chunks 16 --chunk-delay-ms 0) >"$2" 2>&1 &
  bench_pids+=($!)
}

# bench_start_gateway DLL PORT FAKE_PORT LOG [KEY=VALUE ...]: an embedded gateway on 127.0.0.1:PORT
# whose provider "fake" (model m, limit 1000) is the fake provider; extra settings go last and win.
# Its pid is in bench_last_pid.
bench_start_gateway() {
  local dll=$1 port=$2 fake_port=$3 log=$4
  shift 4
  (cd "$(dirname "$dll")" && exec env \
    Gateway__Providers__fake__BaseUrl="http://127.0.0.1:$fake_port/v1" Gateway__Providers__fake__ApiKey=x \
    Gateway__Providers__fake__MaxConcurrency=1000 Gateway__Providers__fake__Models__0=m \
    Logging__LogLevel__Default=Warning Orleans__Endpoints__SiloPort="$(bench_free_port)" Orleans__Endpoints__GatewayPort="$(bench_free_port)" \
    "$@" dotnet "$dll" --urls "http://127.0.0.1:$port") >"$log" 2>&1 &
  bench_last_pid=$!
  bench_pids+=($!)
}

# bench_start_variant VARIANT PORT FAKE_PORT LOG [KEY=VALUE ...]: bench_start_gateway for a VARIANT (space-separated
# KEY=VALUE settings, optionally DLL=/path/to/OrleansGateway.Frontend.dll to run another build; "" is this build as
# configured), with the given settings first and the variant's last, so that the variant's win.
bench_start_variant() {
  local variant=$1 port=$2 fake_port=$3 log=$4 dll="$PWD/Frontend/bin/Release/net10.0/OrleansGateway.Frontend.dll" kv
  shift 4
  local settings=("$@")
  for kv in $variant; do
    if [[ $kv == DLL=* ]]; then dll=$(realpath "${kv#DLL=}"); else settings+=("$kv"); fi
  done
  bench_start_gateway "$dll" "$port" "$fake_port" "$log" "${settings[@]}"
}

# bench_wait_healthy PORT: waits up to 60 s for the gateway's /health; fails if it never answers.
bench_wait_healthy() {
  for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$1/health" >/dev/null && return 0; sleep 0.2; done
  echo "the gateway on port $1 did not start" >&2
  return 1
}

# bench_write_post_lua FILE [TOKEN] [MODEL]: a wrk script POSTing the benchmarks' short chat completion (model fake/m
# unless given; max_tokens 32), with "Authorization: Bearer TOKEN" when a token is given.
bench_write_post_lua() {
  local file=$1 token=${2:-} model=${3:-fake/m}
  {
    echo 'wrk.method = "POST"'
    echo 'wrk.headers["Content-Type"] = "application/json"'
    [[ -z $token ]] || echo "wrk.headers[\"Authorization\"] = \"Bearer $token\""
    echo "wrk.body = '{\"model\":\"$model\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello in one short sentence.\"}],\"max_tokens\":32}'"
  } >"$file"
}

# bench_cpu_ticks PID: the process's user+system time so far, in clock ticks (getconf CLK_TCK per second).
bench_cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# bench_wrk_requests / bench_wrk_rps / bench_wrk_errors OUTPUT: from wrk's output, the requests completed, the requests
# per second, and the non-2xx answers plus socket errors.
bench_wrk_requests() { awk '/requests in/{print $1}' <<<"$1"; }
bench_wrk_rps() { awk '/Requests\/sec/{print $2}' <<<"$1"; }
bench_wrk_errors() { awk '/Non-2xx/{s+=$NF} /Socket errors/{gsub(",", ""); s+=$4+$6+$8+$10} END{print s+0}' <<<"$1"; }

# bench_wrk_pct PERCENT OUTPUT: a latency percentile (e.g. 99%) of wrk's --latency output, in microseconds.
bench_wrk_pct() { awk -v p="$1" '$1 == p { v = $2; u = 1; if (v ~ /us$/) u = 1; else if (v ~ /ms$/) u = 1000; else if (v ~ /s$/) u = 1000000; gsub(/[a-z]+$/, "", v); print v * u }' <<<"$2"; }
