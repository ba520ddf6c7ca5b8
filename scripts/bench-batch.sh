#!/usr/bin/env bash
# Batch jobs at short provider latencies, embedded and cluster mode (issue 20), NOT part of the test suite:
#   bash scripts/bench-batch.sh [--repeat 3] [--silos 2] [--large 0] [--cases "embedded-20 cluster-20 cluster-50"] [--note TEXT]
# Each case runs Benchmarks/BatchBenchmark (its own fake provider; the gateway as processes of their own) after a warm-up,
# each job right after the same calls sent to the provider directly at the same concurrency (its real pace):
#   embedded-20  2,000 tasks at 20 ms per call, MaxConcurrency 32, embedded mode (ideal 1.25 s)
#   cluster-20   6,000 tasks at 20 ms per call, MaxConcurrency 8, cluster mode (ideal 15 s)
#   cluster-50   10,000 tasks at 50 ms per call, MaxConcurrency 64, cluster mode (ideal 7.8 s)
#   large        --large tasks (default 0: not run) at 50 ms and 64, embedded and then cluster mode, each process's peak memory
# Cluster mode: --silos silo processes and one frontend, redis-server (clustering) and Azurite (grain state, reminders)
# started here by scripts/test-services.sh, a fresh cluster id per case. Writes Benchmarks/results/<date>-batch.md.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/bench-servers.sh
source scripts/bench-servers.sh
SERVICES_NO_CHROMIUM=1
# shellcheck source=scripts/test-services.sh
source scripts/test-services.sh

repeat=3; silos=2; large=0; cases="embedded-20 cluster-20 cluster-50"; note=""
bench_parse_options "repeat silos large cases note" "$@"
[[ ${#bench_args[@]} -eq 0 ]] || { echo "usage: bash scripts/bench-batch.sh [--repeat N] [--silos N] [--large N] [--cases \"...\"] [--note TEXT]" >&2; exit 2; }
command_line="bash scripts/bench-batch.sh --repeat $repeat --silos $silos --large $large --cases \"$cases\""
[[ $large -gt 0 ]] && cases="$cases large"

services_install
dotnet build OrleansGateway.sln -c Release -nologo -v quiet >/dev/null
dotnet build Benchmarks/BatchBenchmark/BatchBenchmark.csproj -c Release -nologo -v quiet >/dev/null
bench=(dotnet Benchmarks/BatchBenchmark/bin/Release/net10.0/OrleansGateway.BatchBenchmark.dll)

work=$(mktemp -d /tmp/gw-batch-bench-XXXXXX)
service_pids=()
cleanup() {
  for p in "${service_pids[@]}"; do services_stop_pid "$p" 10 || true; done
  rm -rf "$work"
}
trap cleanup EXIT

redis_port=$(services_free_port 6379)
service_pids+=("$(services_start_redis "$redis_port" "$work/redis")")
tables_port=$(services_free_port 10002); blob_port=$(services_free_port 10000)
service_pids+=("$(services_start_azurite "$tables_port" "$work/azurite" "$blob_port" "$(services_free_port 10001)")")
cluster=(--services "redis=${service_pids[0]} azurite=${service_pids[1]}" --silos "$silos" --redis "$(services_redis_connection "$redis_port")" --tables "$(services_tables_connection "$tables_port" "$blob_port")")

stamp=$(date -u +%Y-%m-%d-%H%M)
out_file="Benchmarks/results/$stamp-batch.md"
{
  echo "# Batch jobs at short provider latencies, embedded and cluster mode ($(date -u '+%Y-%m-%d %H:%M') UTC)"
  echo
  echo "- Command: \`$command_line\`"
  echo "- Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), dotnet $(dotnet --version)"
  echo "- Commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo ' (with uncommitted changes)')"
  echo "- Each case: Benchmarks/BatchBenchmark with the arguments shown; submit → completed is timed from the POST of the job to the poll that sees it completed (polls every 20 ms); ideal = tasks × latency / MaxConcurrency."
  [[ -n $note ]] && echo "- Note: $note"
  echo
} >"$out_file"

run_case() {
  local title=$1; shift
  echo "== $title: ${bench[*]} $*"
  "${bench[@]}" "$@" --out "$work/case.md" 2> >(grep -v '^\[' >&2 || true)
  { echo "## $title"; echo; cat "$work/case.md"; echo; } >>"$out_file"
}

for c in $cases; do
  case $c in
    embedded-20) run_case "2,000 tasks, 20 ms, MaxConcurrency 32, embedded" --latency-ms 20 --concurrency 32 --warmup 20000 --small 2000 --repeat "$repeat" --large 0 ;;
    cluster-20) run_case "6,000 tasks, 20 ms, MaxConcurrency 8, cluster ($silos silos)" --latency-ms 20 --concurrency 8 --warmup 4000 --small 6000 --repeat "$repeat" --large 0 "${cluster[@]}" ;;
    cluster-50) run_case "10,000 tasks, 50 ms, MaxConcurrency 64, cluster ($silos silos)" --latency-ms 50 --concurrency 64 --warmup 20000 --small 10000 --repeat "$repeat" --large 0 "${cluster[@]}" ;;
    large)
      run_case "$large tasks, 50 ms, MaxConcurrency 64, embedded" --latency-ms 50 --concurrency 64 --warmup 500 --small 0 --large "$large"
      run_case "$large tasks, 50 ms, MaxConcurrency 64, cluster ($silos silos)" --latency-ms 50 --concurrency 64 --warmup 500 --small 0 --large "$large" "${cluster[@]}" ;;
    *) echo "unknown case $c" >&2; exit 2 ;;
  esac
done
echo "wrote $out_file"
cat "$out_file"
