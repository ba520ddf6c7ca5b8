// A program written for OpenAI's Batch API, as a user would write it with the official Node `openai` package,
// pointed at the gateway: uploads a JSON Lines file, creates a batch, polls it, downloads the output file.
// Usage: NODE_PATH=<node_modules holding openai> node scripts/openai-batch-client.js <base-url> <api-key> <input.jsonl>
// Prints one JSON object: {file, created, batch, output: [lines], errors: [lines]}.
'use strict';
const fs = require('fs');
const OpenAI = require('openai');

async function main() {
  const [baseURL, apiKey, inputPath] = process.argv.slice(2);
  const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 60000 });

  const file = await client.files.create({ file: fs.createReadStream(inputPath), purpose: 'batch' });
  const created = await client.batches.create({
    input_file_id: file.id,
    endpoint: '/v1/chat/completions',
    completion_window: '24h',
    metadata: { client: 'node' },
  });

  let batch = created;
  const deadline = Date.now() + 60000;
  while (!['completed', 'failed', 'expired', 'cancelled'].includes(batch.status)) {
    if (Date.now() > deadline) {
      throw new Error(`batch ${batch.id} still ${batch.status} after 60 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    batch = await client.batches.retrieve(created.id);
  }

  const lines = async (id) => {
    if (!id) {
      return [];
    }
    const content = await client.files.content(id);
    return (await content.text()).split('\n').filter((line) => line.length > 0).map((line) => JSON.parse(line));
  };
  const output = await lines(batch.output_file_id);
  const errors = await lines(batch.error_file_id);
  const listed = [];
  for await (const f of client.files.list({ purpose: 'batch_output' })) {
    listed.push(f.id);
  }

  process.stdout.write(JSON.stringify({ file, created, batch, output, errors, listed }));
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});
