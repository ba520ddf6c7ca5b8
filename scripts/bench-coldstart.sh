#!/usr/bin/env bash
# Cold start (issue 20), NOT part of the test suite:
#   bash scripts/bench-coldstart.sh [--rounds 5] [--burst 80] [--limit 8] [--latency-ms 150] [VARIANT ...]
# Per round and variant: starts a fresh embedded gateway (a VARIANT is space-separated KEY=VALUE environment
# settings, optionally DLL=/path/to/OrleansGateway.Frontend.dll; "" is this build as configured), measures the time
# from process start to the first answered /health, then sends, as the process's first traffic, a burst of --burst
# requests at once at a provider limit of --limit whose calls take --latency-ms (ideal: ceil(burst/limit) x latency;
# "start to first answer" is the start to /health plus the burst's first answer), and a second burst on the now warm
# process. Writes Benchmarks/results/<date>-coldstart.md.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/bench-servers.sh
source scripts/bench-servers.sh

rounds=5; burst=80; limit=8; latency=150
bench_parse_options "rounds burst limit latency-ms=latency" "$@"
variants=("${bench_args[@]}")
[[ ${#variants[@]} -ge 1 ]] || variants=("")
command_line="bash scripts/bench-coldstart.sh --rounds $rounds --burst $burst --limit $limit --latency-ms $latency$(for v in "${variants[@]}"; do printf ' %q' "$v"; done)"

dotnet build OrleansGateway.sln -c Release -nologo -v quiet >/dev/null

work=$(mktemp -d /tmp/gw-cold-XXXXXX)
trap 'bench_stop_all; rm -rf "$work"' EXIT
fake_port=$(bench_free_port)
bench_start_fake_provider "$fake_port" "$work/fake.log" "$latency"
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$fake_port/v1/models" >/dev/null && break; sleep 0.1; done

ideal_ms=$(( (burst + limit - 1) / limit * latency ))
now_ms() { date +%s%3N; }
rows=()
for round in $(seq 1 "$rounds"); do
  for i in "${!variants[@]}"; do
    port=$(bench_free_port)
    started=$(now_ms)
    bench_start_variant "${variants[$i]}" "$port" "$fake_port" "$work/gateway-$round-$i.log" Gateway__Providers__fake__MaxConcurrency="$limit"
    pid=$bench_last_pid
    until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do sleep 0.02; done
    healthy=$(( $(now_ms) - started ))
    cold=$(node Benchmarks/tools/burst.mjs "http://127.0.0.1:$port/v1/chat/completions" fake/m "$burst")
    first=$(( healthy + $(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["minMs"])' "$cold") ))
    warm=$(node Benchmarks/tools/burst.mjs "http://127.0.0.1:$port/v1/chat/completions" fake/m "$burst")
    kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
    rows+=("$round|$i|$healthy|$first|$cold|$warm")
    echo "round $round variant $i: health ${healthy} ms, first answer ${first} ms, cold burst $cold, warm burst $warm"
  done
done

stamp=$(date -u +%Y-%m-%d-%H%M)
out="Benchmarks/results/$stamp-coldstart.md"
{
  echo "# Cold start: first answer and first burst on a fresh process"
  echo
  echo "Command: \`$command_line\`"
  echo
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), dotnet $(dotnet --version); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg). Commit: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with uncommitted changes)')."
  echo
  echo "Burst: $burst requests at once (new keep-alive connections, Benchmarks/tools/burst.mjs), the process's first traffic after /health answered; provider limit $limit, $latency ms per call: ideal ${ideal_ms} ms. Then the same burst again on the warm process."
  echo
  echo "| variant | rounds | start to /health ms (median) | start to first answer ms (median) | cold burst ms (median) | cold / ideal | warm burst ms (median) | warm / ideal | failed |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  for i in "${!variants[@]}"; do
    printf '%s\n' "${rows[@]}" | awk -F'|' -v v="$i" '$2==v' | python3 -c '
import json, statistics, sys
ideal = float(sys.argv[1]); name = sys.argv[2] or "this build, defaults"
rows = [line.rstrip("\n").split("|") for line in sys.stdin if line.strip()]
health = statistics.median(int(r[2]) for r in rows); first = statistics.median(int(r[3]) for r in rows)
cold = [json.loads(r[4]) for r in rows]; warm = [json.loads(r[5]) for r in rows]
cm = statistics.median(c["wallMs"] for c in cold); wm = statistics.median(w["wallMs"] for w in warm)
failed = sum(c["failed"] for c in cold) + sum(w["failed"] for w in warm)
print(f"| `{name}` | {len(rows)} | {health:.0f} | {first:.0f} | {cm:.0f} | {cm/ideal:.2f} | {wm:.0f} | {wm/ideal:.2f} | {failed} |")
' "$ideal_ms" "${variants[$i]}"
  done
  echo
  echo "Per round (variant index | start to /health | start to first answer | cold burst | warm burst):"
  echo
  printf -- '- %s\n' "${rows[@]}"
} >"$out"
echo "wrote $out"
