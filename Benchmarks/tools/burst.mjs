// The cold-start burst (issue 20): N chat requests at once against a gateway, over keep-alive connections.
// Prints one JSON line: {"wallMs": ..., "ok": ..., "failed": ..., "minMs": ..., "p50Ms": ..., "maxMs": ...} (minMs: the first answer).
// Usage: node Benchmarks/tools/burst.mjs URL MODEL COUNT   (URL like http://127.0.0.1:PORT/v1/chat/completions)
import http from "node:http";

const [url, model, countText] = process.argv.slice(2);
const count = Number(countText ?? "80");
const agent = new http.Agent({ keepAlive: true, maxSockets: count });
const body = JSON.stringify({ model, messages: [{ role: "user", content: "Say hello in one short sentence." }], max_tokens: 32 });

function one() {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.request(url, { method: "POST", agent, headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on("end", () => resolve({ ok: res.statusCode === 200, ms: performance.now() - started }));
    });
    req.on("error", () => resolve({ ok: false, ms: performance.now() - started }));
    req.end(body);
  });
}

const started = performance.now();
const results = await Promise.all(Array.from({ length: count }, one));
const wallMs = performance.now() - started;
const times = results.map((r) => r.ms).sort((a, b) => a - b);
console.log(JSON.stringify({
  wallMs: Math.round(wallMs),
  ok: results.filter((r) => r.ok).length,
  failed: results.filter((r) => !r.ok).length,
  minMs: Math.round(times[0]),
  p50Ms: Math.round(times[Math.floor(times.length / 2)]),
  maxMs: Math.round(times[times.length - 1]),
}));
agent.destroy();
