using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace OrleansGateway.Benchmarks.Batch;

/// <summary>
/// One OpenAI batch as a client of OpenAI's Batch API runs it: a JSON Lines file of chat requests uploaded to
/// <c>/v1/files</c> (streamed from disk), <c>POST /v1/batches</c>, polls of <c>GET /v1/batches/{id}</c> until it ends,
/// the output file's object and its content streamed down (every line parsed, custom ids counted).
/// </summary>
internal sealed class OpenAiBatchRunner(GatewayProcess gateway)
{
    private readonly HttpClient _http = gateway.CreateClient(TimeSpan.FromMinutes(30));

    public async Task<OpenAiRunResult> RunAsync(int lines, TimeSpan pollInterval, TimeSpan timeout)
    {
        var input = Path.Combine(Path.GetTempPath(), $"openai-batch-bench-{Guid.NewGuid():N}.jsonl");
        try
        {
            await WriteInputAsync(input, lines);
            var inputBytes = new FileInfo(input).Length;
            gateway.SampleMemory();
            var rssBefore = gateway.WorkingSetBytes;
            var cpuBefore = gateway.CpuTime;

            var uploadClock = Stopwatch.StartNew();
            string fileId;
            await using (var file = File.OpenRead(input))
            {
                using var form = new MultipartFormDataContent { { new StringContent("batch"), "purpose" } };
                var part = new StreamContent(file, 64 * 1024);
                part.Headers.ContentType = new MediaTypeHeaderValue("application/jsonl");
                form.Add(part, "file", "bench.jsonl");
                fileId = (await ReadJsonAsync(await _http.PostAsync("/v1/files", form), "upload")).GetProperty("id").GetString()!;
            }

            var upload = uploadClock.Elapsed;
            var createClock = Stopwatch.StartNew();
            using var body = new StringContent(JsonSerializer.Serialize(new { input_file_id = fileId, endpoint = "/v1/chat/completions", completion_window = "24h" }), Encoding.UTF8, "application/json");
            var batchId = (await ReadJsonAsync(await _http.PostAsync("/v1/batches", body), "create")).GetProperty("id").GetString()!;
            var create = createClock.Elapsed;
            await gateway.SampleLiveHeapAsync();
            var halfwayRead = false;

            JsonElement batch;
            while (true)
            {
                batch = await ReadJsonAsync(await _http.GetAsync($"/v1/batches/{batchId}"), "poll");
                gateway.SampleMemory();
                if (!halfwayRead && batch.GetProperty("request_counts").GetProperty("completed").GetInt32() >= lines / 2)
                {
                    halfwayRead = true;
                    await gateway.SampleLiveHeapAsync();
                }

                if (batch.GetProperty("status").GetString() is "completed" or "failed" or "expired" or "cancelled")
                {
                    break;
                }

                if (createClock.Elapsed > timeout)
                {
                    throw new TimeoutException($"Batch {batchId} still running after {timeout}: {batch}");
                }

                await Task.Delay(pollInterval);
            }

            var createToCompleted = createClock.Elapsed;
            await gateway.SampleLiveHeapAsync();
            var outputId = batch.GetProperty("output_file_id").GetString()
                ?? throw new InvalidOperationException($"Batch {batchId} has no output file: {batch}");
            var objectClock = Stopwatch.StartNew();
            var reported = (await ReadJsonAsync(await _http.GetAsync($"/v1/files/{outputId}"), "file object")).GetProperty("bytes").GetInt64();
            var fileObject = objectClock.Elapsed;

            var downloadClock = Stopwatch.StartNew();
            var ids = new HashSet<string>(StringComparer.Ordinal);
            var outputLines = 0;
            long outputBytes = 0;
            await using (var stream = await _http.GetStreamAsync($"/v1/files/{outputId}/content"))
            {
                using var reader = new StreamReader(stream, Encoding.UTF8);
                while (await reader.ReadLineAsync() is { } line)
                {
                    outputBytes += Encoding.UTF8.GetByteCount(line) + 1;
                    if (line.Length == 0)
                    {
                        continue;
                    }

                    outputLines++;
                    using var document = JsonDocument.Parse(line);
                    ids.Add(document.RootElement.GetProperty("custom_id").GetString()!);
                    if ((outputLines & 1023) == 0)
                    {
                        gateway.SampleMemory();
                    }
                }
            }

            var download = downloadClock.Elapsed;
            gateway.SampleMemory();
            await gateway.SampleLiveHeapAsync();
            var counts = batch.GetProperty("request_counts");
            return new OpenAiRunResult(
                lines, inputBytes, upload, create, createToCompleted, counts.GetProperty("completed").GetInt32(), counts.GetProperty("failed").GetInt32(),
                outputBytes, reported, outputLines, ids.Count, download, fileObject, rssBefore, gateway.PeakWorkingSetBytes, gateway.CpuTime - cpuBefore);
        }
        finally
        {
            File.Delete(input);
        }
    }

    private static async Task WriteInputAsync(string path, int lines)
    {
        await using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), 64 * 1024);
        for (var i = 0; i < lines; i++)
        {
            await writer.WriteAsync($"{{\"custom_id\":\"req-{i}\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{{\"model\":\"fake/fake-model\",\"max_tokens\":300,\"messages\":[{{\"role\":\"user\",\"content\":\"Summarize item number {i} in one line.\"}}]}}}}\n");
        }
    }

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, string what)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            return response.IsSuccessStatusCode
                ? JsonDocument.Parse(text).RootElement.Clone()
                : throw new InvalidOperationException($"{what} failed with {(int)response.StatusCode}: {text}");
        }
    }
}
