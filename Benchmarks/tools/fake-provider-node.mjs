// A small OpenAI-compatible fake provider on Node's own node:http, as many people prototype one: a second,
// independent upstream for the HTTP benchmark (issue 20), beside the repository's Kestrel fake provider.
// Answers GET /v1/models and POST /v1/chat/completions (a short completion, or 16 SSE chunks with stream: true).
// Usage: node Benchmarks/tools/fake-provider-node.mjs --urls http://127.0.0.1:PORT   (loopback only)
import http from "node:http";

const urlArg = process.argv.indexOf("--urls");
const listen = new URL(urlArg > 0 ? process.argv[urlArg + 1] : "http://127.0.0.1:8099");
if (listen.hostname !== "127.0.0.1" && listen.hostname !== "localhost") {
  console.error("fake-provider-node listens on loopback only");
  process.exit(2);
}

const text = "Hello! This is a short answer from the Node fake provider.";
const models = JSON.stringify({ object: "list", data: [{ id: "m", object: "model", created: 0, owned_by: "fake" }] });
let counter = 0;

function completion(model) {
  counter++;
  return JSON.stringify({
    id: `chatcmpl-node-${counter}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
    usage: { prompt_tokens: 12, completion_tokens: 14, total_tokens: 26 },
  });
}

function stream(res, model) {
  counter++;
  const id = `chatcmpl-node-${counter}`;
  const created = Math.floor(Date.now() / 1000);
  res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" });
  const words = text.split(" ");
  for (let i = 0; i < 16; i++) {
    const piece = (i < words.length ? words[i] : "") + (i < 15 ? " " : "");
    res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [{ index: 0, delta: i === 0 ? { role: "assistant", content: piece } : { content: piece }, finish_reason: null }] })}\n\n`);
  }
  res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [{ index: 0, delta: {}, finish_reason: "stop" }], usage: { prompt_tokens: 12, completion_tokens: 16, total_tokens: 28 } })}\n\n`);
  res.end("data: [DONE]\n\n");
}

const server = http.createServer((req, res) => {
  if (req.method === "GET" && req.url === "/v1/models") {
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(models);
    return;
  }

  if (req.method === "POST" && req.url === "/v1/chat/completions") {
    const parts = [];
    req.on("data", (part) => parts.push(part));
    req.on("end", () => {
      let body;
      try {
        body = JSON.parse(Buffer.concat(parts).toString("utf8"));
      } catch {
        res.writeHead(400, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ error: { message: "invalid JSON", type: "invalid_request_error" } }));
        return;
      }

      if (body.stream) {
        stream(res, body.model ?? "m");
      } else {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(completion(body.model ?? "m"));
      }
    });
    return;
  }

  res.writeHead(404, { "Content-Type": "application/json" });
  res.end(JSON.stringify({ error: { message: "not found", type: "invalid_request_error" } }));
});

server.keepAliveTimeout = 120000;
server.listen(Number(listen.port), listen.hostname, () => console.log(`fake-provider-node listening on ${listen.href}`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
