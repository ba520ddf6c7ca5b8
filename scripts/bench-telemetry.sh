#!/usr/bin/env bash
# What the gateway's telemetry costs (issue 18, "Cost"), side by side in one run (NOT part of the test suite):
#   bash scripts/bench-telemetry.sh [--rounds 8] [--seconds 5] [--note "..."] [EXTRA_VARIANT ...]
# Runs scripts/bench-ab.sh (one embedded gateway per variant in front of the fast fake provider, wrk at
# 32 connections, order rotated every round, req/s and CPU per request from /proc) over:
#   [0] the defaults (metrics on, request log on, no OTLP endpoint so no tracing)
#   [1] metrics off                      Gateway__Telemetry__Metrics=false
#   [2] request log off                  Gateway__Telemetry__RequestLog=false
#   [3] both off
#   [4] tracing with no exporter         Gateway__Telemetry__Traces=true (spans sampled, then dropped)
#   [5] 100% sampling to an OTLP receiver OTEL_EXPORTER_OTLP_ENDPOINT=<loopback receiver> OTEL_TRACES_SAMPLER=always_on
# plus any EXTRA_VARIANT (as for bench-ab.sh). The receiver is Benchmarks/tools/otlp_receiver.py on a free
# loopback port; what it received is appended to the result, Benchmarks/results/<date>-telemetry.md.
set -euo pipefail
cd "$(dirname "$0")/.."

args=(); extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds|--seconds|--note) args+=("$1" "$2"); shift 2 ;;
    *) extra+=("$1"); shift ;;
  esac
done
command_line="bash scripts/bench-telemetry.sh$(for a in "${args[@]}" "${extra[@]}"; do printf ' %q' "$a"; done)"

otlp_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
stats=$(mktemp /tmp/gw-otlp-XXXXXX.json)
python3 Benchmarks/tools/otlp_receiver.py "$otlp_port" "$stats" &
receiver=$!
trap 'kill "$receiver" 2>/dev/null || true; rm -f "$stats"' EXIT

variants=(
  ""
  "Gateway__Telemetry__Metrics=false"
  "Gateway__Telemetry__RequestLog=false"
  "Gateway__Telemetry__Metrics=false Gateway__Telemetry__RequestLog=false"
  "Gateway__Telemetry__Traces=true"
  "OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:$otlp_port OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf OTEL_TRACES_SAMPLER=always_on"
)
log=$(mktemp /tmp/gw-bench-telemetry-XXXXXX.log)
bash scripts/bench-ab.sh "${args[@]}" --name telemetry --command "$command_line" "${variants[@]}" "${extra[@]}" | tee "$log"
out_file=$(awk '/^wrote /{print $2}' "$log" | tail -1)
rm -f "$log"
kill "$receiver"; wait "$receiver" 2>/dev/null || true
python3 - "$stats" "$out_file" <<'PY'
import json, sys
stats = json.load(open(sys.argv[1]))
lines = ["", "What the loopback OTLP receiver (Benchmarks/tools/otlp_receiver.py) got from variant [5], whole run:", "",
         "| signal | export requests | bytes |", "| --- | ---: | ---: |"]
lines += [f"| {k} | {v['requests']} | {v['bytes']} |" for k, v in stats.items() if k != "other" or v["requests"]]
open(sys.argv[2], "a").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
echo "wrote $out_file"
