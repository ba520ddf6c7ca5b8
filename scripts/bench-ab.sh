#!/usr/bin/env bash
# Quick A/B/C of gateway variants under the same load (NOT part of the test suite):
#   bash scripts/bench-ab.sh [--rounds 8] [--seconds 5] [--note "..."] [--name ab] VARIANT [VARIANT ...]
# A VARIANT is one argument: space-separated KEY=VALUE environment settings for that gateway
# process (e.g. "Gateway__Chat__InProcessWhenEmbedded=false"), optionally DLL=/path/to/other/
# OrleansGateway.Frontend.dll to run another build; "" is this build as configured by default.
# Starts the fast fake provider and one embedded gateway per variant (all at once, loopback),
# warms each up, then loads them one at a time with wrk at 32 connections, rotating the order
# every round. For each run it records req/s and the gateway process's CPU time per request
# (/proc), the figure least moved by a busy machine; per-process spread is large on 2 cores, so
# compare medians of several rounds. Writes Benchmarks/results/<date>-<name>.md (name: ab unless --name)
# and prints its path last.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/bench-servers.sh
source scripts/bench-servers.sh

rounds=8; seconds=5; note=""; name="ab"; command_prefix=""   # --command: the command line to record instead (a wrapper script's)
bench_parse_options "rounds seconds note name command=command_prefix" "$@"
variants=("${bench_args[@]}")
[[ ${#variants[@]} -ge 1 ]] || { echo "usage: bash scripts/bench-ab.sh [--rounds N] [--seconds S] [--note TEXT] VARIANT..." >&2; exit 2; }
command_line="bash scripts/bench-ab.sh --rounds $rounds --seconds $seconds$(for v in "${variants[@]}"; do printf ' %q' "$v"; done)"
[[ -z $command_prefix ]] || command_line="$command_prefix"

bench_ensure_wrk
dotnet build OrleansGateway.sln -c Release -nologo -v quiet >/dev/null

work=$(mktemp -d /tmp/gw-ab-XXXXXX)
trap 'bench_stop_all; rm -rf "$work"' EXIT
fake_port=$(bench_free_port)
bench_start_fake_provider "$fake_port" "$work/fake.log"

gw_pids=(); gw_ports=()
for i in "${!variants[@]}"; do
  port=$(bench_free_port)
  bench_start_variant "${variants[$i]}" "$port" "$fake_port" "$work/gateway-$i.log"
  gw_pids+=("$bench_last_pid"); gw_ports+=("$port")
done

for port in "${gw_ports[@]}"; do
  bench_wait_healthy "$port" || { cat "$work"/gateway-*.log >&2; exit 1; }
done
bench_write_post_lua "$work/post.lua"
for port in "${gw_ports[@]}"; do
  answer=$(curl -s -X POST -H 'Content-Type: application/json' --data-binary '{"model":"fake/m","messages":[{"role":"user","content":"hi"}]}' "http://127.0.0.1:$port/v1/chat/completions")
  [[ $answer == *'"choices"'* ]] || { echo "a gateway answered: $answer" >&2; exit 1; }
  wrk -t2 -c32 -d15s -s "$work/post.lua" "http://127.0.0.1:$port/v1/chat/completions" >/dev/null   # warm-up (tiered JIT)
done

ticks=$(getconf CLK_TCK)
: >"$work/runs.tsv"
count=${#variants[@]}
for round in $(seq 1 "$rounds"); do
  for k in $(seq 0 $((count - 1))); do
    i=$(( (k + round) % count ))
    before=$(bench_cpu_ticks "${gw_pids[$i]}")
    out=$(wrk -t2 -c32 -d"${seconds}s" -s "$work/post.lua" "http://127.0.0.1:${gw_ports[$i]}/v1/chat/completions")
    after=$(bench_cpu_ticks "${gw_pids[$i]}")
    requests=$(bench_wrk_requests "$out"); rps=$(bench_wrk_rps "$out"); errors=$(bench_wrk_errors "$out")
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$i" "$rps" "$(( after - before ))" "$requests" "$errors" >>"$work/runs.tsv"
    echo "round $round/$rounds  [$i] ${variants[$i]:-(default)}  $rps req/s"
  done
done

stamp=$(date -u +%Y-%m-%d-%H%M)
out_file="Benchmarks/results/$stamp-$name.md"
python3 - "$work/runs.tsv" "$out_file" "$ticks" "$command_line" "$note" "$(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo ' (with uncommitted changes)')" "${variants[@]}" <<'PY'
import statistics, sys, platform, os, subprocess, datetime
runs_path, out_path, ticks, command, note, commit, *variants = sys.argv[1:]
ticks = float(ticks)
rows = [line.split('\t') for line in open(runs_path).read().splitlines() if line]
cpu_model = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), '?')
dotnet = subprocess.run(['dotnet', '--version'], capture_output=True, text=True).stdout.strip()
md = [f"# Gateway variants A/B ({datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC)", "",
      f"- Command: `{command}`",
      f"- Machine: {os.cpu_count()} cores, {cpu_model}, dotnet {dotnet}, {platform.system()} {platform.release()}",
      f"- Commit: {commit}",
      "- Load: wrk -t2 -c32 on `POST /v1/chat/completions` (fake provider, latency 0), one variant at a time, order rotated every round; each gateway is its own process (embedded mode), all started at once and warmed up for 15 s each (tiered JIT of the gateway settles after about 20 s of load).",
      "- CPU us/request: the gateway process's user+system CPU time during its run (/proc) over the requests wrk completed."]
if note:
    md.append(f"- Note: {note}")
md += ["", "| variant | req/s (median) | CPU us/request (median) | CPU us/request (min-max) | vs first variant, CPU | errors |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
base = None
per_round = {}
for i, name in enumerate(variants):
    mine = [r for r in rows if int(r[1]) == i]
    rps = [float(r[2]) for r in mine]
    cpu = [int(r[3]) / ticks * 1e6 / max(1, int(r[4])) for r in mine]
    for r, c in zip(mine, cpu):
        per_round.setdefault(int(r[0]), {})[i] = (float(r[2]), c)
    med = statistics.median(cpu)
    base = base or med
    md.append(f"| {name or '(default build and settings)'} | {statistics.median(rps):.0f} | {med:.1f} | {min(cpu):.1f}-{max(cpu):.1f} | {med / base:.2f} | {sum(int(r[5]) for r in mine)} |")
md += ["", "Every run (req/s, CPU us/request):", "", "| round | " + " | ".join(f"[{i}]" for i in range(len(variants))) + " |", "| ---: |" + " ---: |" * len(variants)]
for rnd in sorted(per_round):
    md.append(f"| {rnd} | " + " | ".join(f"{per_round[rnd][i][0]:.0f}, {per_round[rnd][i][1]:.1f}" if i in per_round[rnd] else "" for i in range(len(variants))) + " |")
md += ["", "Variants: " + "; ".join(f"[{i}] `{v or '(default)'}`" for i, v in enumerate(variants)), ""]
open(out_path, 'w').write("\n".join(md))
print("\n".join(md))
PY
echo "wrote $out_file"
