#!/usr/bin/env bash
# Profiles the gateway under load (NOT part of the test suite):
#   bash scripts/bench-profile.sh [seconds]      (STREAM=1: stream:true requests, CONNECTIONS=n: default 32)
# Starts the fast fake provider and the gateway (embedded) on free loopback ports, drives
# /v1/chat/completions with wrk at 32 connections, and records, one after the other while the
# load runs: dotnet-counters (allocation, exceptions, GC), perf (real CPU samples, with the
# runtime's perf map for JIT-compiled code and W^X off so perf can read it, when perf is usable) and dotnet-trace (sampled thread
# time). Prints where the CPU goes, grouped by area (Benchmarks/tools/*.py). Output in /tmp/gw-profile/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-15}"
out=/tmp/gw-profile
mkdir -p "$out"
export PATH="$PATH:$HOME/.dotnet/tools"
command -v dotnet-trace >/dev/null || dotnet tool install --global dotnet-trace
command -v dotnet-counters >/dev/null || dotnet tool install --global dotnet-counters
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
dotnet build OrleansGateway.sln -c Release -nologo -v quiet >/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
fake_port=$(free_port); gw_port=$(free_port); silo_port=$(free_port); gwy_port=$(free_port)

pids=()
# SIGKILL: the fake provider's host takes SIGTERM for itself and its Main then never returns.
cleanup() { for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

(cd Tests/FakeProvider/bin/Release/net10.0 && exec dotnet OrleansGateway.FakeProvider.dll --urls "http://127.0.0.1:$fake_port" --latency-ms 0 --chunks 16 --chunk-delay-ms 0) >"$out/fake.log" 2>&1 &
pids+=($!)
(cd Frontend/bin/Release/net10.0 && \
  Gateway__Providers__fake__BaseUrl="http://127.0.0.1:$fake_port/v1" Gateway__Providers__fake__ApiKey=x \
  Gateway__Providers__fake__MaxConcurrency=1000 Gateway__Providers__fake__Models__0=m \
  Logging__LogLevel__Default=Warning DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 Orleans__Endpoints__SiloPort=$silo_port Orleans__Endpoints__GatewayPort=$gwy_port \
  exec dotnet OrleansGateway.Frontend.dll --urls "http://127.0.0.1:$gw_port") >"$out/gateway.log" 2>&1 &
gw_pid=$!
pids+=($gw_pid)

for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$gw_port/health" >/dev/null && break; sleep 0.2; done
cat >"$out/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model":"fake/m","messages":[{"role":"user","content":"Say hello in one short sentence."}],"max_tokens":32STREAM_FIELD}'
LUA
if [[ "${STREAM:-0}" == "1" ]]; then sed -i 's/STREAM_FIELD/,"stream":true/' "$out/post.lua"; else sed -i 's/STREAM_FIELD//' "$out/post.lua"; fi
conns="${CONNECTIONS:-32}"
threads=$(( conns < 2 ? 1 : 2 ))
url="http://127.0.0.1:$gw_port/v1/chat/completions"
wrk -t$threads -c$conns -d10s -s "$out/post.lua" "$url" >/dev/null   # warm-up (tiered JIT)
wrk -t$threads -c$conns -d$((3 * seconds + 10))s --latency -s "$out/post.lua" "$url" >"$out/wrk.txt" &
wrk_pid=$!
sleep 2
duration="00:00:00:$(printf %02d "$seconds")"
dotnet-counters collect -p "$gw_pid" --format csv -o "$out/counters.csv" --duration "$duration" --counters System.Runtime >/dev/null 2>&1 || true
if command -v perf >/dev/null && perf record -F 499 -g -p "$gw_pid" -o "$out/perf.data" -- sleep "$seconds" >/dev/null 2>&1; then
  perf script -i "$out/perf.data" 2>/dev/null >"$out/perf.txt" || true
fi
dotnet-trace collect -p "$gw_pid" --profile dotnet-sampled-thread-time --duration "$duration" \
  -o "$out/gateway.nettrace" --format Speedscope >/dev/null
wait "$wrk_pid"
cat "$out/wrk.txt"
echo "== dotnet-counters (System.Runtime) =="
python3 Benchmarks/tools/counters_summary.py "$out/counters.csv" || true
if [[ -s "$out/perf.txt" ]]; then
  echo "== perf: all CPU of the gateway process =="
  python3 Benchmarks/tools/perf_summary.py "$out/perf.txt"
fi
echo "== dotnet-trace: managed CPU samples =="
python3 Benchmarks/tools/speedscope_summary.py "$out/gateway.speedscope.json"
