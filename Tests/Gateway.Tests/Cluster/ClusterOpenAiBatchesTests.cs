#pragma warning disable OPENAI001 // The Batch API client is marked experimental by the OpenAI package.
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using OpenAI;
using OpenAI.Batch;
using OpenAI.Files;
using OrleansGateway.FakeProvider;
using OrleansGateway.Tests.Batch;
using Xunit.Abstractions;

namespace OrleansGateway.Tests.Cluster;

/// <summary>
/// Issue 15 in cluster mode: an OpenAI batch (64 lines with 40 KB answers, one task group) created through the official
/// clients on one frontend, every silo restarted mid-batch, then read and downloaded through the other frontend: the
/// batch completes, the output file has every line's full answer once, and the provider answered each line exactly once.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterOpenAiBatchesTests(ClusterFixture cluster, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Lines = 64;
    private const int AnswerBytes = 40 * 1024;

    public Task InitializeAsync() => cluster.EnsureHealthyAsync();

    public Task DisposeAsync()
    {
        cluster.Provider.Behavior = FakeProviderServer.DefaultBehavior;
        return Task.CompletedTask;
    }

    [Fact]
    public async Task RestartEverySiloMidBatch_40KbAnswers_CompletesWithEveryLineOnceOneProviderCallPerLine()
    {
        var calls = new ConcurrentDictionary<int, int>();
        cluster.Provider.Behavior = request =>
        {
            var index = int.Parse(request.LastUserMessage.Split(' ')[1], CultureInfo.InvariantCulture);
            calls.AddOrUpdate(index, 1, (_, n) => n + 1);
            return FakeReply.Text(Answer(index)) with { Delay = TimeSpan.FromMilliseconds(300) };
        };
        var (files0, batches0) = Clients(cluster.Frontends[0]);
        var (files1, batches1) = Clients(cluster.Frontends[1]);
        var input = string.Join('\n', Enumerable.Range(0, Lines).Select(i => JsonSerializer.Serialize(new
        {
            custom_id = $"line-{i}",
            method = "POST",
            url = "/v1/chat/completions",
            body = new { model = "fake/fake-model", messages = new[] { new { role = "user", content = $"line {i} please" } } },
        })));
        OpenAIFile file = await files0.UploadFileAsync(new MemoryStream(Encoding.UTF8.GetBytes(input)), "cluster.jsonl", FileUploadPurpose.Batch);
        var operation = await batches0.CreateBatchAsync(BinaryContent.Create(BinaryData.FromObjectAsJson(new
        {
            input_file_id = file.Id,
            endpoint = "/v1/chat/completions",
            completion_window = "24h",
        })), waitUntilCompleted: false);
        var batchId = operation.BatchId;
        var rehydrated = await CreateBatchOperation.RehydrateAsync(batches1, batchId);

        var before = await BatchPolling.UntilAsync(() => ReadAsync(rehydrated), b => Completed(b) >= 6, last => $"The batch never had 6 lines done: {last}\n{cluster.Tails()}", TimeSpan.FromSeconds(120));
        Assert.True(Completed(before) < Lines / 2, $"The batch was nearly done ({Completed(before)} of {Lines}) before the restart; it must be hit mid-run.");
        output.WriteLine($"stopping every silo with {Completed(before)} of {Lines} lines done");
        foreach (var silo in cluster.Silos)
        {
            await silo.Process!.StopAsync(TimeSpan.FromSeconds(30));
        }

        foreach (var silo in cluster.Silos)
        {
            silo.StartProcess(cluster.StartSilo(silo));
        }

        foreach (var frontend in cluster.Frontends)
        {
            await cluster.WaitForMembersAsync(frontend, cluster.Silos, ClusterFixture.StartTimeout);
        }

        var batch = await BatchPolling.UntilAsync(
            async () => { try { return await ReadAsync(rehydrated); } catch (ClientResultException) { return default; } },
            b => b.ValueKind == JsonValueKind.Object && b.GetProperty("status").GetString() is "completed" or "failed" or "expired" or "cancelled",
            last => $"The batch did not finish after the restart: {last}\n{cluster.Tails()}",
            TimeSpan.FromSeconds(180));
        Assert.True(batch.GetProperty("status").GetString() == "completed", $"Batch after the restart: {batch}\n{cluster.Tails()}");
        Assert.Equal(Lines, Completed(batch));
        Assert.Equal(JsonValueKind.Null, batch.GetProperty("error_file_id").ValueKind);

        BinaryData content = await files1.DownloadFileAsync(batch.GetProperty("output_file_id").GetString()!);
        var lines = content.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Lines, lines.Length);
        for (var i = 0; i < Lines; i++)
        {
            using var line = JsonDocument.Parse(lines[i]);
            var text = line.RootElement.GetProperty("response").GetProperty("body").GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString();
            Assert.True(line.RootElement.GetProperty("custom_id").GetString() == $"line-{i}" && text == Answer(i),
                $"Output line {i}: custom_id {line.RootElement.GetProperty("custom_id").GetString()}, content of {text?.Length ?? 0} chars (expected line-{i}'s {AnswerBytes}).");
        }

        var repeated = calls.Where(c => c.Value != 1).Select(c => $"line-{c.Key} x{c.Value}").ToList();
        Assert.True(calls.Count == Lines && repeated.Count == 0, $"The provider answered {calls.Count} distinct lines of {Lines}; more than once: {string.Join(", ", repeated)}");
    }

    private static (OpenAIFileClient Files, BatchClient Batches) Clients(HostProcess frontend)
    {
        var client = new OpenAIClient(new ApiKeyCredential(ClusterFixture.SecretToken), new OpenAIClientOptions { Endpoint = new Uri(frontend.BaseUrl + "/v1") });
        return (client.GetOpenAIFileClient(), client.GetBatchClient());
    }

    private static async Task<JsonElement> ReadAsync(CreateBatchOperation operation) =>
        JsonDocument.Parse((await operation.GetBatchAsync(new RequestOptions())).GetRawResponse().Content.ToMemory()).RootElement.Clone();

    private static int Completed(JsonElement batch) => batch.ValueKind == JsonValueKind.Object ? batch.GetProperty("request_counts").GetProperty("completed").GetInt32() : -1;

    private static string Answer(int index)
    {
        var text = new StringBuilder(AnswerBytes + 16).Append("answer ").Append(index.ToString(CultureInfo.InvariantCulture)).Append(':');
        while (text.Length < AnswerBytes)
        {
            text.Append(" word").Append(index.ToString(CultureInfo.InvariantCulture));
        }

        return text.ToString(0, AnswerBytes);
    }
}
