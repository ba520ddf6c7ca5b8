#!/usr/bin/env python3
"""A tiny OTLP/HTTP receiver on loopback, for the telemetry cost benchmark (scripts/bench-telemetry.sh).

    python3 Benchmarks/tools/otlp_receiver.py PORT [STATS_FILE]

Accepts POST /v1/traces, /v1/metrics and /v1/logs (http/protobuf or http/json), reads the body, and answers
200 with an empty Export*ServiceResponse (zero bytes of protobuf, "{}" for JSON), as a collector would.
It decodes nothing: it only counts requests and bytes per signal, written to STATS_FILE (JSON) every second
and on SIGTERM, so the benchmark can show that the spans really left the gateway. Binds 127.0.0.1 only.
"""
import json
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port = int(sys.argv[1])
stats_path = sys.argv[2] if len(sys.argv) > 2 else None
stats = {"traces": [0, 0], "metrics": [0, 0], "logs": [0, 0], "other": [0, 0]}
lock = threading.Lock()


def write_stats():
    if stats_path:
        with lock:
            snapshot = {k: {"requests": v[0], "bytes": v[1]} for k, v in stats.items()}
        with open(stats_path, "w") as f:
            json.dump(snapshot, f)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        signal_name = self.path.rstrip("/").rsplit("/", 1)[-1]
        with lock:
            entry = stats.get(signal_name, stats["other"])
            entry[0] += 1
            entry[1] += len(body)
        is_json = "json" in (self.headers.get("Content-Type") or "")
        answer = b"{}" if is_json else b""
        self.send_response(200)
        self.send_header("Content-Type", "application/json" if is_json else "application/x-protobuf")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", port), Handler)


def stop(*_):
    write_stats()
    threading.Thread(target=server.shutdown, daemon=True).start()


def tick():
    while True:
        write_stats()
        threading.Event().wait(1)


signal.signal(signal.SIGTERM, stop)
threading.Thread(target=tick, daemon=True).start()
server.serve_forever()
write_stats()
