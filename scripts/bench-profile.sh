#!/usr/bin/env bash
# Profiles the gateway under load (NOT part of the test suite):
#   bash scripts/bench-profile.sh [seconds]
# Starts the fast fake provider and the gateway (embedded) on free loopback ports, drives
# /v1/chat/completions with wrk at 32 connections, records a dotnet-trace (sampled thread
# time) of the gateway and a dotnet-counters CSV, and prints where the CPU goes, grouped by area
# (Benchmarks/tools/speedscope_summary.py). Output in /tmp/gw-profile/.
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
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

(cd Tests/FakeProvider/bin/Release/net10.0 && exec dotnet OrleansGateway.FakeProvider.dll --urls "http://127.0.0.1:$fake_port" --latency-ms 0 --chunks 16 --chunk-delay-ms 0) >"$out/fake.log" 2>&1 &
pids+=($!)
(cd Frontend/bin/Release/net10.0 && \
  Gateway__Providers__fake__BaseUrl="http://127.0.0.1:$fake_port/v1" Gateway__Providers__fake__ApiKey=x \
  Gateway__Providers__fake__MaxConcurrency=1000 Gateway__Providers__fake__Models__0=m \
  Logging__LogLevel__Default=Warning Orleans__Endpoints__SiloPort=$silo_port Orleans__Endpoints__GatewayPort=$gwy_port \
  exec dotnet OrleansGateway.Frontend.dll --urls "http://127.0.0.1:$gw_port") >"$out/gateway.log" 2>&1 &
gw_pid=$!
pids+=($gw_pid)

for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$gw_port/health" >/dev/null && break; sleep 0.2; done
cat >"$out/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model":"fake/m","messages":[{"role":"user","content":"Say hello in one short sentence."}],"max_tokens":32}'
LUA
url="http://127.0.0.1:$gw_port/v1/chat/completions"
wrk -t2 -c32 -d10s -s "$out/post.lua" "$url" >/dev/null   # warm-up (tiered JIT)
wrk -t2 -c32 -d$((seconds + 6))s --latency -s "$out/post.lua" "$url" >"$out/wrk.txt" &
wrk_pid=$!
sleep 2
dotnet-counters collect -p "$gw_pid" --format csv -o "$out/counters.csv" --duration "00:00:00:$(printf %02d "$seconds")" \
  --counters System.Runtime >/dev/null 2>&1 &
counters_pid=$!
dotnet-trace collect -p "$gw_pid" --profile dotnet-sampled-thread-time --duration "00:00:00:$(printf %02d "$seconds")" \
  -o "$out/gateway.nettrace" --format Speedscope >/dev/null
wait "$counters_pid" || true
wait "$wrk_pid"
cat "$out/wrk.txt"
python3 Benchmarks/tools/speedscope_summary.py "$out/gateway.speedscope.json"
python3 Benchmarks/tools/counters_summary.py "$out/counters.csv" || true
