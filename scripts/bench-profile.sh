#!/usr/bin/env bash
# Profiles the gateway under load (NOT part of the test suite):
#   bash scripts/bench-profile.sh [seconds]      (STREAM=1: stream:true requests, CONNECTIONS=n: default 32,
#                                                 DLL=path: another build's OrleansGateway.Frontend.dll)
# Starts the fast fake provider and the gateway (embedded) on free loopback ports, drives
# /v1/chat/completions with wrk at 32 connections, and records, one after the other while the
# load runs: dotnet-counters (allocation, exceptions, GC), perf (real CPU samples, with the
# runtime's perf map for JIT-compiled code and W^X off so perf can read it, when perf is usable) and dotnet-trace (sampled thread
# time). Prints where the CPU goes, grouped by area (Benchmarks/tools/*.py). ALLOC=1 adds a trace of the
# runtime's allocation sampling, summed by type and allocating stack (Benchmarks/AllocationSummary).
# KEY=1: the requests use a virtual key with every limit set (none refuses), to see what the key check costs.
# Output in /tmp/gw-profile/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-15}"
out=/tmp/gw-profile
mkdir -p "$out"
export PATH="$PATH:$HOME/.dotnet/tools"
command -v dotnet-trace >/dev/null || dotnet tool install --global dotnet-trace
command -v dotnet-counters >/dev/null || dotnet tool install --global dotnet-counters
# shellcheck source=scripts/bench-servers.sh
source scripts/bench-servers.sh
bench_ensure_wrk
dotnet build OrleansGateway.sln -c Release -nologo -v quiet >/dev/null

fake_port=$(bench_free_port); gw_port=$(bench_free_port)
bench_start_fake_provider "$fake_port" "$out/fake.log"
admin="profile-admin-$RANDOM$RANDOM"
bench_start_gateway "${DLL:-$PWD/Frontend/bin/Release/net10.0/OrleansGateway.Frontend.dll}" "$gw_port" "$fake_port" "$out/gateway.log" \
  DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 SECRET_TOKEN="$admin" \
  Gateway__Providers__fake__Prices__m__InputPerMillion=1 Gateway__Providers__fake__Prices__m__OutputPerMillion=2
gw_pid=$bench_last_pid
bench_wait_healthy "$gw_port"
token=$admin
if [[ "${KEY:-0}" == "1" ]]; then
  key=$(curl -sf -X POST -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
    --data-binary '{"name":"profile","models":["fake/*"],"rpm_limit":100000000,"tpm_limit":1000000000000,"max_parallel_requests":1000,"max_budget":1000000000}' \
    "http://127.0.0.1:$gw_port/admin/keys")
  token=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["key"])' "$key")
fi
cat >"$out/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer TOKEN"
wrk.body = '{"model":"fake/m","messages":[{"role":"user","content":"Say hello in one short sentence."}],"max_tokens":32STREAM_FIELD}'
LUA
sed -i "s/TOKEN/$token/" "$out/post.lua"
if [[ "${STREAM:-0}" == "1" ]]; then sed -i 's/STREAM_FIELD/,"stream":true/' "$out/post.lua"; else sed -i 's/STREAM_FIELD//' "$out/post.lua"; fi
conns="${CONNECTIONS:-32}"
threads=$(( conns < 2 ? 1 : 2 ))
url="http://127.0.0.1:$gw_port/v1/chat/completions"
wrk -t$threads -c$conns -d10s -s "$out/post.lua" "$url" >/dev/null   # warm-up (tiered JIT)
phases=$(( ${ALLOC:-0} == 1 ? 4 : 3 ))
wrk -t$threads -c$conns -d$((phases * seconds + 10))s --latency -s "$out/post.lua" "$url" >"$out/wrk.txt" &
wrk_pid=$!
sleep 2
duration="00:00:00:$(printf %02d "$seconds")"
dotnet-counters collect -p "$gw_pid" --format csv -o "$out/counters.csv" --duration "$duration" --counters System.Runtime >/dev/null 2>&1 || true
if command -v perf >/dev/null && perf record -F 499 -g -p "$gw_pid" -o "$out/perf.data" -- sleep "$seconds" >/dev/null 2>&1; then
  perf script -i "$out/perf.data" 2>/dev/null >"$out/perf.txt" || true
fi
dotnet-trace collect -p "$gw_pid" --profile dotnet-sampled-thread-time --duration "$duration" \
  -o "$out/gateway.nettrace" --format Speedscope >/dev/null
rm -f "$out/alloc.nettrace"
if [[ "${ALLOC:-0}" == "1" ]]; then
  # The runtime's allocation sampling: a GC AllocationTick event with its stack about every 100 KB.
  dotnet-trace collect -p "$gw_pid" --providers Microsoft-Windows-DotNETRuntime:0x1:5 --duration "$duration" -o "$out/alloc.nettrace" >/dev/null
fi
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
if [[ -s "$out/alloc.nettrace" ]]; then
  echo "== allocations =="
  python3 - "$out/counters.csv" "$out/wrk.txt" <<'PY'
import re, sys
rates = [float(l.rsplit(",", 1)[1]) for l in open(sys.argv[1]) if "total_allocated" in l]
rps = float(re.search(r"Requests/sec:\s*([\d.]+)", open(sys.argv[2]).read()).group(1))
if rates and rps:
    print(f"allocated per request: {sum(rates) / len(rates) / rps / 1024:.1f} KB (dotnet-counters allocation rate / wrk requests per second)")
PY
  dotnet Benchmarks/AllocationSummary/bin/Release/net10.0/OrleansGateway.AllocationSummary.dll "$out/alloc.nettrace" 25 7
fi
