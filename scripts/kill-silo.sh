#!/usr/bin/env bash
# Measures what clients see when one of two silos is killed with SIGKILL: the error rate through
# both frontends in the 30 s after the kill (the issue's figure; the test suite measures a shorter
# window). Starts its own cluster with scripts/cluster.sh in .cluster-kill/ (fake provider, 20 ms
# latency), loads both frontends with wrk, kills the silo holding the provider's grain (found
# through the dashboard's counters; silo1 if that fails), and stops the cluster again.
#   bash scripts/kill-silo.sh [--window 30] [--connections 8]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
window=30 connections=8
while (($#)); do
  case "$1" in
    --window) window="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    *) echo "unknown option: $1" >&2; exit 64 ;;
  esac
done
command -v wrk >/dev/null || { source scripts/test-services.sh; services_apt_install wrk; }
export CLUSTER_DIR="$ROOT/.cluster-kill"
# A provider grain that dies with its silo is re-activated elsewhere and waits one lease time-to-live
# for renewals before it grants new slots (30 s by default); the cluster here uses 10 s.
export Gateway__Providers__fake__LeaseTtlSeconds="${LEASE_TTL_SECONDS:-10}"
echo "fake provider: LeaseTtlSeconds=$Gateway__Providers__fake__LeaseTtlSeconds, 20 ms latency, MaxConcurrency 8"
bash scripts/cluster.sh stop >/dev/null 2>&1 || true
trap 'bash scripts/cluster.sh stop >/dev/null 2>&1 || true' EXIT
bash scripts/cluster.sh start --silos 2 --frontends 2 --fake-provider >/dev/null

frontends=() ; declare -A silo_pid silo_url
while read -r name pid address; do
  case "$name" in frontend*) frontends+=("$address") ;; silo*) silo_pid[$name]="$pid" ; silo_url[$name]="$address" ;; esac
done <"$CLUSTER_DIR/processes"
body="$CLUSTER_DIR/post.lua"
cat >"$body" <<'LUA'
wrk.method = "POST"
wrk.body = '{"model":"fake/fake-model","prompt":"Be brief.","user_prompt":"hello"}'
wrk.headers["Content-Type"] = "application/json"
LUA

# Warm up, then keep load running across the kill.
for f in "${frontends[@]}"; do wrk -t1 -c2 -d5s -s "$body" "$f/llm/generation" >/dev/null; done
i=0
for f in "${frontends[@]}"; do
  wrk -t1 -c"$connections" -d8s --timeout 60s -s "$body" "$f/llm/generation" >"$CLUSTER_DIR/wrk-before-$i.txt" & i=$((i + 1))
done
sleep 4
# The worst case: kill the silo that holds the provider's grain (the dashboard's counters say which).
victim=silo1
port="$(curl -s "${silo_url[silo1]}/dashboard/DashboardCounters" | python3 -c '
import json, sys
stats = json.load(sys.stdin)["simpleGrainStats"]
hosts = [g["siloAddress"] for g in stats if g["grainType"].endswith(".ProviderGrain") and g["activationCount"] > 0]
print(hosts[0].split("@")[0].split(":")[1] if hosts else "")' 2>/dev/null || true)"
for name in "${!silo_pid[@]}"; do
  if [[ -n "$port" ]] && grep -q "silo port $port" "$CLUSTER_DIR/$name.port" 2>/dev/null; then victim="$name"; fi
done
sleep 1
kill -9 "${silo_pid[$victim]}"
echo "killed $victim (pid ${silo_pid[$victim]}; provider grain's silo port: ${port:-unknown}) at $(date +%T); measuring ${window} s"
i=0 ; pids=()
for f in "${frontends[@]}"; do
  wrk -t1 -c"$connections" -d"${window}s" --timeout 60s -s "$body" "$f/llm/generation" >"$CLUSTER_DIR/wrk-after-$i.txt" & pids+=($!) ; i=$((i + 1))
done
wait

total=0 errors=0
for file in "$CLUSTER_DIR"/wrk-after-*.txt "$CLUSTER_DIR"/wrk-before-*.txt; do
  requests=$(awk '/requests in/ {print $1}' "$file")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$file"); non2xx=${non2xx:-0}
  socket=$(awk -F'[ ,]+' '/Socket errors/ {print $4+$6+$8+$10}' "$file"); socket=${socket:-0}
  echo "$(basename "$file"): $requests requests, $non2xx non-2xx, $socket socket errors/timeouts"
  if [[ "$file" == *after* ]]; then total=$((total + requests)); errors=$((errors + non2xx + socket)); fi
done
echo "after the kill (${window} s): $errors errors of $total requests ($(awk -v e="$errors" -v t="$total" 'BEGIN { printf "%.3f", t ? 100 * e / t : 0 }')%)"
echo "health: $(curl -s "${frontends[0]}/health")"
