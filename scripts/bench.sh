#!/usr/bin/env bash
# Benchmarks: NOT part of the test suite (scripts/test.sh never runs them).
#   bash scripts/bench.sh [http|limiter|micro|all] [options passed to the benchmark]
# Builds the solution in Release, then:
#   http     fake provider, YARP pass-through and the gateway (embedded) side by side under wrk,
#            alternating rounds, plus streaming (time to first token, concurrent streams)
#   limiter  ProviderGrain acquire/release pairs per second in an in-process silo (issue 4)
#   micro    BenchmarkDotNet on the hot path (short runs)
#   first-token  time to first token through the OpenAI package (typed vs protocol method) and a plain HttpClient
# Results go to Benchmarks/results/ as Markdown. All traffic stays on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."

what="${1:-all}"
shift || true

# shellcheck source=scripts/bench-servers.sh
source scripts/bench-servers.sh
bench_ensure_wrk

dotnet build OrleansGateway.sln -c Release -nologo -v quiet

bench=(dotnet Benchmarks/Gateway.Benchmarks/bin/Release/net10.0/OrleansGateway.Benchmarks.dll)
run() {
  local kind="$1"
  shift
  local quoted=""
  if [[ $# -gt 0 ]]; then quoted=" $(printf '%q ' "$@")"; quoted="${quoted% }"; fi
  "${bench[@]}" "$kind" --command "bash scripts/bench.sh $kind$quoted" "$@"
}

case "$what" in
  http | limiter | micro | first-token) run "$what" "$@" ;;
  all)
    run http "$@"
    run limiter
    run micro
    ;;
  *)
    echo "usage: bash scripts/bench.sh [http|limiter|micro|first-token|all] [options]" >&2
    exit 2
    ;;
esac
