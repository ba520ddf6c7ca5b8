#!/usr/bin/env bash
# Virtual key vs admin key, side by side in one gateway process (NOT part of the test suite):
#   bash scripts/bench-keys.sh [--rounds 6] [--seconds 5] [--warmup 10] [--note "..."] [--compare-dll /path/to/other/OrleansGateway.Frontend.dll]
# Starts the fast fake provider and one embedded gateway with SECRET_TOKEN set and a price for fake/m,
# creates a virtual key with every limit set (rpm, tpm, max_parallel_requests, budget; all far above
# what the run uses, so every request is checked and none refused), warms up, then loads the same
# gateway with wrk, alternating admin key and virtual key every run and rotating the order every round:
# at 32 connections (throughput, CPU per request) and at 1 connection (latency; "added" = virtual-key
# percentile minus admin-key percentile of the same round). --compare-dll adds a second gateway process
# (another build, e.g. the per-request-grain-call design before the allowances) measured the same way.
# Writes Benchmarks/results/<date>-keys.md.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/bench-servers.sh
source scripts/bench-servers.sh

rounds=6; seconds=5; warmup=10; note=""; compare_dll=""
bench_parse_options "rounds seconds warmup note compare-dll" "$@"
[[ ${#bench_args[@]} -eq 0 ]] || { echo "usage: bash scripts/bench-keys.sh [--rounds N] [--seconds S] [--warmup S] [--note TEXT] [--compare-dll DLL]" >&2; exit 2; }
[[ -z $compare_dll ]] || compare_dll=$(realpath "$compare_dll")
command_line="bash scripts/bench-keys.sh --rounds $rounds --seconds $seconds$([[ $warmup == 10 ]] || echo " --warmup $warmup")${compare_dll:+ --compare-dll $compare_dll}"

bench_ensure_wrk
dotnet build OrleansGateway.sln -c Release -nologo -v quiet >/dev/null

work=$(mktemp -d /tmp/gw-keys-XXXXXX)
trap 'bench_stop_all; rm -rf "$work"' EXIT
admin="bench-admin-$RANDOM$RANDOM"
fake_port=$(bench_free_port)
bench_start_fake_provider "$fake_port" "$work/fake.log"

dlls=("$PWD/Frontend/bin/Release/net10.0/OrleansGateway.Frontend.dll")
[[ -n $compare_dll ]] && dlls+=("$compare_dll")
gw_pids=(); gw_ports=(); secrets=()
for i in "${!dlls[@]}"; do
  port=$(bench_free_port)
  bench_start_gateway "${dlls[$i]}" "$port" "$fake_port" "$work/gateway-$i.log" SECRET_TOKEN="$admin" \
    Gateway__Providers__fake__Prices__m__InputPerMillion=1 Gateway__Providers__fake__Prices__m__OutputPerMillion=2
  gw_pids+=("$bench_last_pid"); gw_ports+=("$port")
done
for i in "${!dlls[@]}"; do
  port=${gw_ports[$i]}
  bench_wait_healthy "$port" || { cat "$work"/gateway-*.log >&2; exit 1; }
  key=$(curl -sf -X POST -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
    --data-binary '{"name":"bench","models":["fake/*"],"rpm_limit":100000000,"tpm_limit":1000000000000,"max_parallel_requests":1000,"max_budget":1000000000}' \
    "http://127.0.0.1:$port/admin/keys")
  secrets+=("$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["key"])' "$key")")
done

for who in admin key; do
  for i in "${!dlls[@]}"; do
    token=$admin; [[ $who == key ]] && token=${secrets[$i]}
    bench_write_post_lua "$work/post-$who-$i.lua" "$token"
    answer=$(curl -s -X POST -H 'Content-Type: application/json' -H "Authorization: Bearer $token" --data-binary '{"model":"fake/m","messages":[{"role":"user","content":"hi"}]}' "http://127.0.0.1:${gw_ports[$i]}/v1/chat/completions")
    [[ $answer == *'"choices"'* ]] || { echo "gateway $i answered $who: $answer" >&2; exit 1; }
    wrk -t2 -c32 -d"${warmup}s" -s "$work/post-$who-$i.lua" "http://127.0.0.1:${gw_ports[$i]}/v1/chat/completions" >/dev/null   # warm-up (tiered JIT)
  done
done

ticks=$(getconf CLK_TCK)
: >"$work/runs.tsv"
load_start=$(cut -d" " -f1-3 /proc/loadavg)
variants=()
for i in "${!dlls[@]}"; do variants+=("$i admin" "$i key"); done
count=${#variants[@]}
for round in $(seq 1 "$rounds"); do
  for k in $(seq 0 $((count - 1))); do
    v=${variants[$(( (k + round) % count ))]}
    i=${v%% *}; who=${v##* }
    for conns in 32 1; do
      threads=2; [[ $conns == 1 ]] && threads=1
      before=$(bench_cpu_ticks "${gw_pids[$i]}")
      out=$(wrk -t$threads -c$conns -d"${seconds}s" --latency -s "$work/post-$who-$i.lua" "http://127.0.0.1:${gw_ports[$i]}/v1/chat/completions")
      after=$(bench_cpu_ticks "${gw_pids[$i]}")
      requests=$(bench_wrk_requests "$out"); rps=$(bench_wrk_rps "$out"); errors=$(bench_wrk_errors "$out")
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$i" "$who" "$conns" "$rps" "$(( after - before ))" "$requests" "$errors" "$(bench_wrk_pct 50% "$out")" "$(bench_wrk_pct 99% "$out")" >>"$work/runs.tsv"
      echo "round $round/$rounds  gateway $i  $who  c=$conns  $rps req/s"
    done
  done
done

usage=$(curl -s -H "Authorization: Bearer $admin" "http://127.0.0.1:${gw_ports[0]}/admin/keys/$(curl -s -H "Authorization: Bearer $admin" "http://127.0.0.1:${gw_ports[0]}/admin/keys" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"][0]["id"])')/usage")
load_end=$(cut -d" " -f1-3 /proc/loadavg)
stamp=$(date -u +%Y-%m-%d-%H%M)
out_file="Benchmarks/results/$stamp-keys.md"
python3 - "$work/runs.tsv" "$out_file" "$ticks" "$command_line" "$note" "$(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo ' (with uncommitted changes)')" "$usage" "$load_start" "$load_end" "${dlls[@]}" <<'PY'
import statistics, sys, platform, os, subprocess, datetime, json
runs_path, out_path, ticks, command, note, commit, usage, load_start, load_end, *dlls = sys.argv[1:]
ticks = float(ticks)
rows = [l.split('\t') for l in open(runs_path).read().splitlines() if l]
cpu_model = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), '?')
dotnet = subprocess.run(['dotnet', '--version'], capture_output=True, text=True).stdout.strip()
med = statistics.median
def sel(i, who, conns): return [r for r in rows if r[1] == str(i) and r[2] == who and r[3] == str(conns)]
md = [f"# Virtual key vs admin key ({datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC)", "",
      f"- Command: `{command}`",
      f"- Machine: {os.cpu_count()} cores, {cpu_model}, dotnet {dotnet}, {platform.system()} {platform.release()} (shared with other engineers' builds and tests)",
      f"- Load average (1, 5, 15 min) when the measured rounds began: {load_start}; when they ended: {load_end}",
      f"- Commit: {commit}",
      "- Gateway: embedded mode, one process per build; the admin key (`SECRET_TOKEN`) and a virtual key with rpm_limit 100,000,000, tpm_limit 10^12, max_parallel_requests 1000 and max_budget 10^9 USD (price 1/2 USD per million input/output tokens), so every request of the key is checked against every limit and none is refused.",
      "- Load: wrk on `POST /v1/chat/completions` (fake provider, latency 0, max_tokens 32), admin key and virtual key alternating on the same process, order rotated every round; 32 connections for throughput and CPU per request (the process's user+system time from /proc over the requests completed), 1 connection for latency (added = virtual-key percentile minus admin-key percentile in the same round).",
      ]
if note: md.append(f"- Note: {note}")
md += ["", "| gateway | key | req/s at 32 conns (median) | CPU us/request (median) | p50 us at 1 conn | p99 us at 1 conn | added p50 us | added p99 us | req/s vs admin | errors |",
       "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
for i, dll in enumerate(dlls):
    name = "this build" if i == 0 else os.path.relpath(dll)
    base_rps = None
    for who in ("admin", "key"):
        t = sel(i, who, 32); l = sel(i, who, 1)
        rps = med([float(r[4]) for r in t]); cpu = med([int(r[5]) / ticks * 1e6 / max(1, int(r[6])) for r in t])
        p50 = med([float(r[8]) for r in l]); p99 = med([float(r[9]) for r in l])
        if who == "admin":
            base_rps, added50, added99, ratio = rps, "", "", "1.00"
            adm = {r[0]: r for r in l}
        else:
            mine = {r[0]: r for r in l}
            added50 = f"{med([float(mine[k][8]) - float(adm[k][8]) for k in mine if k in adm]):.0f}"
            added99 = f"{med([float(mine[k][9]) - float(adm[k][9]) for k in mine if k in adm]):.0f}"
            ratio = f"{rps / base_rps:.2f}"
        errors = sum(int(r[7]) for r in t + l)
        md.append(f"| {name} | {who} | {rps:.0f} | {cpu:.1f} | {p50:.0f} | {p99:.0f} | {added50} | {added99} | {ratio} | {errors} |")
md += ["", "Every run (round, gateway, key, connections, req/s, CPU us/request, p50 us, p99 us):", "", "| round | gateway | key | conns | req/s | CPU us/req | p50 | p99 |", "| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |"]
for r in rows:
    md.append(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} | {float(r[4]):.0f} | {int(r[5]) / ticks * 1e6 / max(1, int(r[6])):.1f} | {float(r[8]):.0f} | {float(r[9]):.0f} |")
try:
    days = json.loads(usage)["data"]
    md += ["", f"The virtual key's usage afterwards (this build): {sum(d['requests'] for d in days)} requests, {sum(d['input_tokens'] + d['output_tokens'] for d in days)} tokens, {sum(d['spend'] for d in days):.4f} USD."]
except Exception as e:
    md += ["", f"(usage not read: {e})"]
md.append("")
open(out_path, 'w').write("\n".join(md))
print("\n".join(md))
PY
echo "wrote $out_file"
