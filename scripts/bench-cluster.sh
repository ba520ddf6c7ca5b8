#!/usr/bin/env bash
# Cluster mode against embedded mode (issue 20), NOT part of the test suite:
#   bash scripts/bench-cluster.sh [--rounds 5] [--seconds 5] [--warmup 10] [--latency-ms 0] [--note TEXT]
# Starts one fake provider, one embedded gateway, and a cluster of one silo and one frontend as separate processes
# (redis-server and Azurite started here by scripts/test-services.sh: Redis clustering, grain state and reminders in
# Azure Table storage), all with the same provider settings. Then, in rounds whose order rotates, wrk on
# POST /v1/chat/completions against the provider directly, the embedded gateway and the cluster's frontend:
# 32 connections for throughput and CPU per request (each process's user+system time from /proc), 1 connection for
# latency (added = the target's percentile minus the provider's own in the same round).
# Writes Benchmarks/results/<date>-cluster.md.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/bench-servers.sh
source scripts/bench-servers.sh
SERVICES_NO_CHROMIUM=1
# shellcheck source=scripts/test-services.sh
source scripts/test-services.sh

rounds=5; seconds=5; warmup=10; latency=0; note=""
bench_parse_options "rounds seconds warmup latency-ms=latency note" "$@"
[[ ${#bench_args[@]} -eq 0 ]] || { echo "usage: bash scripts/bench-cluster.sh [--rounds N] [--seconds S] [--warmup S] [--latency-ms MS] [--note TEXT]" >&2; exit 2; }
command_line="bash scripts/bench-cluster.sh --rounds $rounds --seconds $seconds --warmup $warmup --latency-ms $latency"

bench_ensure_wrk
services_install
dotnet build OrleansGateway.sln -c Release -nologo -v quiet >/dev/null

work=$(mktemp -d /tmp/gw-cluster-bench-XXXXXX)
service_pids=()
cleanup() {
  bench_stop_all
  for p in "${service_pids[@]}"; do services_stop_pid "$p" 10 || true; done
  rm -rf "$work"
}
trap cleanup EXIT

fake_port=$(bench_free_port)
bench_start_fake_provider "$fake_port" "$work/fake.log" "$latency"
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$fake_port/v1/models" >/dev/null && break; sleep 0.1; done

# The same provider settings everywhere (bench_start_gateway's).
provider_env=(Gateway__Providers__fake__BaseUrl="http://127.0.0.1:$fake_port/v1" Gateway__Providers__fake__ApiKey=x
  Gateway__Providers__fake__MaxConcurrency=1000 Gateway__Providers__fake__Models__0=m Logging__LogLevel__Default=Warning)

embedded_port=$(bench_free_port)
bench_start_gateway "$PWD/Frontend/bin/Release/net10.0/OrleansGateway.Frontend.dll" "$embedded_port" "$fake_port" "$work/embedded.log"
embedded_pid=$bench_last_pid

redis_port=$(services_free_port 6379)
service_pids+=("$(services_start_redis "$redis_port" "$work/redis")")
tables_port=$(services_free_port 10002); blob_port=$(services_free_port 10000)
service_pids+=("$(services_start_azurite "$tables_port" "$work/azurite" "$blob_port" "$(services_free_port 10001)")")
cluster_env=(ConnectionStrings__redis="$(services_redis_connection "$redis_port")"
  ConnectionStrings__tables="$(services_tables_connection "$tables_port" "$blob_port")"
  Orleans__ClusterId="bench-$RANDOM" Orleans__ServiceId=bench Orleans__Endpoints__AdvertisedIPAddress=127.0.0.1
  DOTNET_ENVIRONMENT=Production ASPNETCORE_ENVIRONMENT=Production)

silo_http=$(bench_free_port)
(cd Silo/bin/Release/net10.0 && exec env "${provider_env[@]}" "${cluster_env[@]}" \
  Orleans__Endpoints__SiloPort="$(bench_free_port)" Orleans__Endpoints__GatewayPort="$(bench_free_port)" \
  dotnet OrleansGateway.Silo.dll --urls "http://127.0.0.1:$silo_http") >"$work/silo.log" 2>&1 &
silo_pid=$!; bench_pids+=("$silo_pid")
bench_wait_healthy "$silo_http" || { cat "$work/silo.log" >&2; exit 1; }
frontend_port=$(bench_free_port)
(cd Frontend/bin/Release/net10.0 && exec env "${provider_env[@]}" "${cluster_env[@]}" \
  dotnet OrleansGateway.Frontend.dll --urls "http://127.0.0.1:$frontend_port") >"$work/frontend.log" 2>&1 &
frontend_pid=$!; bench_pids+=("$frontend_pid")
bench_wait_healthy "$frontend_port" || { cat "$work/frontend.log" >&2; exit 1; }
bench_wait_healthy "$embedded_port" || { cat "$work/embedded.log" >&2; exit 1; }
mode=$(curl -s "http://127.0.0.1:$frontend_port/health")
[[ $mode == *cluster* ]] || { echo "the cluster frontend does not report cluster mode: $mode" >&2; exit 1; }

bench_write_post_lua "$work/post.lua"
bench_write_post_lua "$work/direct.lua" x m
declare -A url script
url[direct]="http://127.0.0.1:$fake_port/v1/chat/completions"; script[direct]=direct
url[embedded]="http://127.0.0.1:$embedded_port/v1/chat/completions"; script[embedded]=post
url[cluster]="http://127.0.0.1:$frontend_port/v1/chat/completions"; script[cluster]=post
for t in embedded cluster; do
  answer=$(curl -s -X POST -H 'Content-Type: application/json' --data-binary '{"model":"fake/m","messages":[{"role":"user","content":"hi"}]}' "${url[$t]}")
  [[ $answer == *'"choices"'* ]] || { echo "$t answered: $answer" >&2; exit 1; }
  wrk -t2 -c32 -d"${warmup}s" -s "$work/post.lua" "${url[$t]}" >/dev/null   # warm-up (tiered JIT)
done

ticks=$(getconf CLK_TCK)
: >"$work/runs.tsv"
load_start=$(cut -d" " -f1-3 /proc/loadavg)
targets=(direct embedded cluster)
for round in $(seq 1 "$rounds"); do
  for k in 0 1 2; do
    t=${targets[$(( (k + round) % 3 ))]}
    for conns in 32 1; do
      threads=2; [[ $conns == 1 ]] && threads=1
      e0=$(bench_cpu_ticks "$embedded_pid"); f0=$(bench_cpu_ticks "$frontend_pid"); s0=$(bench_cpu_ticks "$silo_pid")
      out=$(wrk -t$threads -c$conns -d"${seconds}s" --latency -s "$work/${script[$t]}.lua" "${url[$t]}")
      e1=$(bench_cpu_ticks "$embedded_pid"); f1=$(bench_cpu_ticks "$frontend_pid"); s1=$(bench_cpu_ticks "$silo_pid")
      requests=$(bench_wrk_requests "$out"); rps=$(bench_wrk_rps "$out"); errors=$(bench_wrk_errors "$out")
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$t" "$conns" "$rps" "$requests" "$errors" \
        "$(bench_wrk_pct 50% "$out")" "$(bench_wrk_pct 99% "$out")" "$(( e1 - e0 ))" "$(( f1 - f0 ))" "$(( s1 - s0 ))" >>"$work/runs.tsv"
      echo "round $round/$rounds  $t  c=$conns  $rps req/s"
    done
  done
done
load_end=$(cut -d" " -f1-3 /proc/loadavg)

stamp=$(date -u +%Y-%m-%d-%H%M)
out_file="Benchmarks/results/$stamp-cluster.md"
python3 - "$work/runs.tsv" "$out_file" "$ticks" "$command_line" "$note" "$(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo ' (with uncommitted changes)')" "$load_start" "$load_end" "$latency" <<'PY'
import statistics, sys, os, subprocess, datetime
runs_path, out_path, ticks, command, note, commit, load_start, load_end, latency = sys.argv[1:]
ticks = float(ticks); med = statistics.median
rows = [l.split('\t') for l in open(runs_path).read().splitlines() if l]
def sel(t, c): return {r[0]: r for r in rows if r[1] == t and r[2] == str(c)}
cpu_model = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), '?')
dotnet = subprocess.run(['dotnet', '--version'], capture_output=True, text=True).stdout.strip()
us = lambda r, col: int(r[col]) / ticks * 1e6 / max(1, int(r[4]))
md = [f"# Cluster mode (one silo, one frontend) against embedded mode ({datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC)", "",
      f"- Command: `{command}`",
      f"- Machine: {os.cpu_count()} cores, {cpu_model}, dotnet {dotnet}",
      f"- Load average (1, 5, 15 min) when the measured rounds began: {load_start}; when they ended: {load_end}",
      f"- Commit: {commit}",
      f"- Provider: the repository's Kestrel fake provider, {latency} ms per call. Cluster: redis-server (clustering) and Azurite (grain state, reminders), one silo and one frontend process; embedded: one process. All on this machine, so the cluster's two processes and wrk share its 2 cores.",
      "- Load: wrk on `POST /v1/chat/completions`, the three targets in an order rotated every round; 32 connections for throughput and CPU per request (user+system time from /proc over the requests completed), 1 connection for latency. Ratios and differences are taken per round, then the median.",
      ]
if note: md.append(f"- Note: {note}")
d32, e32, c32 = sel('direct', 32), sel('embedded', 32), sel('cluster', 32)
d1, e1, c1 = sel('direct', 1), sel('embedded', 1), sel('cluster', 1)
rounds = sorted(set(e32) & set(c32) & set(d1) & set(e1) & set(c1), key=int)
md += ["", "| target | req/s at 32 conns | vs embedded | CPU us/request | p50 us at 1 conn | p99 us at 1 conn | added p50 us | added p99 us |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
md.append(f"| provider directly | {med(float(r[3]) for r in d32.values()):.0f} | | | {med(float(r[6]) for r in d1.values()):.0f} | {med(float(r[7]) for r in d1.values()):.0f} | | |")
for name, t32, t1, cpu in (("embedded", e32, e1, lambda r: us(r, 8)), ("cluster (frontend + silo)", c32, c1, lambda r: us(r, 9) + us(r, 10))):
    ratio = med(float(t32[k][3]) / float(e32[k][3]) for k in rounds)
    md.append(f"| {name} | {med(float(r[3]) for r in t32.values()):.0f} | {ratio:.2f} | {med(cpu(r) for r in t32.values()):.1f} | {med(float(r[6]) for r in t1.values()):.0f} | {med(float(r[7]) for r in t1.values()):.0f} | {med(float(t1[k][6]) - float(d1[k][6]) for k in rounds):.0f} | {med(float(t1[k][7]) - float(d1[k][7]) for k in rounds):.0f} |")
md += ["", f"Cluster minus embedded at 1 connection, median of per-round differences: p50 {med(float(c1[k][6]) - float(e1[k][6]) for k in rounds):.0f} us, p99 {med(float(c1[k][7]) - float(e1[k][7]) for k in rounds):.0f} us.",
       f"CPU per request at 32 connections in cluster mode: frontend {med(us(r, 9) for r in c32.values()):.1f} us, silo {med(us(r, 10) for r in c32.values()):.1f} us (embedded: {med(us(r, 8) for r in e32.values()):.1f} us in one process).",
       f"Errors (non-2xx and socket errors): {sum(int(r[5]) for r in rows)}.",
       "", "Every run:", "", "| round | target | conns | req/s | p50 us | p99 us | CPU us/req embedded | frontend | silo |", "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
for r in rows:
    md.append(f"| {r[0]} | {r[1]} | {r[2]} | {float(r[3]):.0f} | {float(r[6]):.0f} | {float(r[7]):.0f} | {us(r, 8):.1f} | {us(r, 9):.1f} | {us(r, 10):.1f} |")
open(out_path, 'w').write('\n'.join(md) + '\n')
print('\n'.join(md[:20]))
PY
echo "wrote $out_file"
