#pragma warning disable OPENAI001 // The Batch API client is marked experimental by the OpenAI package.
using System.ClientModel;
using System.ClientModel.Primitives;
using OpenAI.Files;

namespace OrleansGateway.Tests.Batches;

/// <summary>
/// <c>/v1/batches</c> end to end through the official OpenAI .NET clients: upload, create, poll, download and
/// parse the output file; lines naming different providers; tool calls and long answers passed through whole;
/// embeddings; listing newest first; metadata echoed.
/// </summary>
public sealed class OpenAiBatchesApiTests : IAsyncLifetime
{
    private OpenAiBatchesFixture _gateway = null!;

    public async Task InitializeAsync() => _gateway = await OpenAiBatchesFixture.StartAsync(behavior: request =>
        request.LastUserMessage.StartsWith("long ", StringComparison.Ordinal)
            ? FakeReply.Text(new string('L', 40_000) + request.LastUserMessage)
            : request.LastUserMessage == "fail me"
                ? FakeReply.Error(400, "the provider refuses this one")
                : FakeProviderServer.DefaultBehavior(request));

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Create_OfficialClients_CompletesWithOneOutputLinePerRequest()
    {
        var fileId = await _gateway.UploadAsync([
            OpenAiBatchesFixture.ChatLine("a", "hello"),
            OpenAiBatchesFixture.ChatLine("b", "world", model: "fake2/other-model"),
            OpenAiBatchesFixture.ChatLine("c", "again")]);

        var (operation, created) = await _gateway.CreateAsync(fileId, metadata: new { team = "search", run = "7" });

        Assert.StartsWith("batch_", operation.BatchId);
        Assert.Equal(operation.BatchId, created.GetProperty("id").GetString());
        Assert.Equal("batch", created.GetProperty("object").GetString());
        Assert.Equal("/v1/chat/completions", created.GetProperty("endpoint").GetString());
        Assert.Equal(fileId, created.GetProperty("input_file_id").GetString());
        Assert.Equal("24h", created.GetProperty("completion_window").GetString());
        Assert.Contains(created.GetProperty("status").GetString(), new[] { "validating", "in_progress", "completed" });
        Assert.Equal(3, created.GetProperty("request_counts").GetProperty("total").GetInt32());
        Assert.Equal("search", created.GetProperty("metadata").GetProperty("team").GetString());
        Assert.True(created.GetProperty("expires_at").GetInt64() - created.GetProperty("created_at").GetInt64() is >= 86_399 and <= 86_401);

        await operation.WaitForCompletionAsync();
        var batch = await OpenAiBatchesFixture.ReadAsync(operation);
        Assert.Equal("completed", batch.GetProperty("status").GetString());
        Assert.Equal(3, batch.GetProperty("request_counts").GetProperty("completed").GetInt32());
        Assert.Equal(0, batch.GetProperty("request_counts").GetProperty("failed").GetInt32());
        Assert.Equal(JsonValueKind.Null, batch.GetProperty("error_file_id").ValueKind);
        Assert.Equal(JsonValueKind.Null, batch.GetProperty("errors").ValueKind);
        foreach (var name in new[] { "in_progress_at", "finalizing_at", "completed_at" })
        {
            Assert.True(batch.GetProperty(name).ValueKind == JsonValueKind.Number, $"{name} should be set: {batch}");
        }

        Assert.True(batch.GetProperty("usage").GetProperty("total_tokens").GetInt32() > 0, $"usage should add up the lines': {batch}");
        string[] fields = ["id", "object", "endpoint", "input_file_id", "completion_window", "status", "output_file_id", "error_file_id", "errors", "request_counts", "usage", "metadata",
            "created_at", "in_progress_at", "expires_at", "finalizing_at", "completed_at", "failed_at", "expired_at", "cancelling_at", "cancelled_at"];
        Assert.All(fields, name => Assert.True(batch.TryGetProperty(name, out _), $"The batch object lacks OpenAI's '{name}': {batch}"));
        Assert.All(new[] { "failed_at", "expired_at", "cancelling_at", "cancelled_at" }, name => Assert.Equal(JsonValueKind.Null, batch.GetProperty(name).ValueKind));
        var outputId = batch.GetProperty("output_file_id").GetString()!;
        OpenAIFile output = await _gateway.Files.GetFileAsync(outputId);
        Assert.Equal(FilePurpose.BatchOutput, output.Purpose);

        var lines = await _gateway.DownloadLinesAsync(outputId);
        Assert.Equal(["a", "b", "c"], lines.Select(l => l.GetProperty("custom_id").GetString()));
        Assert.All(lines, line =>
        {
            Assert.StartsWith("batch_req_", line.GetProperty("id").GetString());
            Assert.Equal(JsonValueKind.Null, line.GetProperty("error").ValueKind);
            Assert.Equal(200, line.GetProperty("response").GetProperty("status_code").GetInt32());
            Assert.False(string.IsNullOrEmpty(line.GetProperty("response").GetProperty("request_id").GetString()), $"response.request_id is required: {line}");
            Assert.Equal("chat.completion", line.GetProperty("response").GetProperty("body").GetProperty("object").GetString());
        });
        Assert.Equal("echo: world", Content(lines[1]));
        Assert.Equal("fake2/other-model", lines[1].GetProperty("response").GetProperty("body").GetProperty("model").GetString());
        Assert.Equal("fake/fake-model", lines[0].GetProperty("response").GetProperty("body").GetProperty("model").GetString());
        Assert.Equal(3, _gateway.Provider.TotalCount);
    }

    [Fact]
    public async Task Create_ToolsAndLongAnswers_PassedThroughWhole()
    {
        var tools = new
        {
            tools = new[] { new { type = "function", function = new { name = "lookup", parameters = new { type = "object", properties = new { query = new { type = "string" } } } } } },
            temperature = 0.2,
        };
        var fileId = await _gateway.UploadAsync([
            OpenAiBatchesFixture.ChatLine("tool", "what is orleans", extra: tools),
            .. Enumerable.Range(0, 5).Select(i => OpenAiBatchesFixture.ChatLine($"long-{i}", $"long {i}"))]);

        var (operation, _) = await _gateway.CreateAsync(fileId);
        await operation.WaitForCompletionAsync();
        var batch = await OpenAiBatchesFixture.ReadAsync(operation);
        var lines = await _gateway.DownloadLinesAsync(batch.GetProperty("output_file_id").GetString()!);

        Assert.Equal(6, lines.Count);
        var message = lines[0].GetProperty("response").GetProperty("body").GetProperty("choices")[0].GetProperty("message");
        var call = message.GetProperty("tool_calls")[0];
        Assert.Equal("lookup", call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("what is orleans", JsonDocument.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!).RootElement.GetProperty("query").GetString());
        Assert.Equal("tool_calls", lines[0].GetProperty("response").GetProperty("body").GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        var sent = _gateway.Provider.Requests.Single(r => r.LastUserMessage == "what is orleans").Json().RootElement;
        Assert.Equal("lookup", sent.GetProperty("tools")[0].GetProperty("function").GetProperty("name").GetString());
        Assert.Equal(0.2, sent.GetProperty("temperature").GetDouble(), 3);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(new string('L', 40_000) + $"long {i}", Content(lines[i + 1]));
        }
    }

    [Fact]
    public async Task Create_ProviderRefusesALine_ErrorFileHasItWithTheEndpointsStatusAndBody()
    {
        var fileId = await _gateway.UploadAsync([OpenAiBatchesFixture.ChatLine("ok", "fine"), OpenAiBatchesFixture.ChatLine("bad", "fail me")]);

        var (operation, _) = await _gateway.CreateAsync(fileId);
        await operation.WaitForCompletionAsync();
        var batch = await OpenAiBatchesFixture.ReadAsync(operation);

        Assert.Equal("completed", batch.GetProperty("status").GetString());
        Assert.Equal(1, batch.GetProperty("request_counts").GetProperty("completed").GetInt32());
        Assert.Equal(1, batch.GetProperty("request_counts").GetProperty("failed").GetInt32());
        var output = await _gateway.DownloadLinesAsync(batch.GetProperty("output_file_id").GetString()!);
        var errors = await _gateway.DownloadLinesAsync(batch.GetProperty("error_file_id").GetString()!);
        Assert.Equal(["ok"], output.Select(l => l.GetProperty("custom_id").GetString()));
        var error = Assert.Single(errors);
        Assert.Equal("bad", error.GetProperty("custom_id").GetString());
        Assert.Equal(400, error.GetProperty("response").GetProperty("status_code").GetInt32());
        Assert.Contains("the provider refuses this one", error.GetProperty("response").GetProperty("body").GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task OutputAndErrorFiles_FileObjectBytes_AreTheDownloadedByteCounts()
    {
        var fileId = await _gateway.UploadAsync([OpenAiBatchesFixture.ChatLine("ok1", "fine"), OpenAiBatchesFixture.ChatLine("ok2", "long one"), OpenAiBatchesFixture.ChatLine("bad", "fail me")]);
        var (operation, _) = await _gateway.CreateAsync(fileId);
        await operation.WaitForCompletionAsync();
        var batch = await OpenAiBatchesFixture.ReadAsync(operation);
        var outputId = batch.GetProperty("output_file_id").GetString()!;
        var errorId = batch.GetProperty("error_file_id").GetString()!;

        OpenAIFile output = await _gateway.Files.GetFileAsync(outputId);
        OpenAIFile error = await _gateway.Files.GetFileAsync(errorId);

        long outputBytes = (await _gateway.Files.DownloadFileAsync(outputId)).Value.ToArray().Length;
        long errorBytes = (await _gateway.Files.DownloadFileAsync(errorId)).Value.ToArray().Length;
        Assert.True(outputBytes > 40_000, $"the output file holds a 40 KB answer: {outputBytes} bytes");
        Assert.Equal(outputBytes, output.SizeInBytesLong);
        Assert.Equal(errorBytes, error.SizeInBytesLong);
        OpenAIFileCollection listed = await _gateway.Files.GetFilesAsync(FilePurpose.BatchOutput);
        Assert.Equal(outputBytes, listed.Single(f => f.Id == outputId).SizeInBytesLong);
        Assert.Equal(errorBytes, listed.Single(f => f.Id == errorId).SizeInBytesLong);
    }

    [Fact]
    public async Task Create_Embeddings_OutputBodiesAsTheEndpointAnswers()
    {
        var fileId = await _gateway.UploadAsync(Enumerable.Range(0, 3).Select(i => JsonSerializer.Serialize(new
        {
            custom_id = $"e{i}",
            method = "POST",
            url = "/v1/embeddings",
            body = new { model = "fake/fake-embed", input = $"text {i}" },
        })));

        var (operation, _) = await _gateway.CreateAsync(fileId, endpoint: "/v1/embeddings");
        await operation.WaitForCompletionAsync();
        var batch = await OpenAiBatchesFixture.ReadAsync(operation);

        Assert.Equal("completed", batch.GetProperty("status").GetString());
        var lines = await _gateway.DownloadLinesAsync(batch.GetProperty("output_file_id").GetString()!);
        Assert.Equal(["e0", "e1", "e2"], lines.Select(l => l.GetProperty("custom_id").GetString()));
        var body = lines[2].GetProperty("response").GetProperty("body");
        Assert.Equal("fake/fake-embed", body.GetProperty("model").GetString());
        Assert.Equal(JsonValueKind.Array, body.GetProperty("data")[0].GetProperty("embedding").ValueKind);
    }

    [Fact]
    public async Task List_NewestFirstInPages()
    {
        var fileId = await _gateway.UploadAsync([OpenAiBatchesFixture.ChatLine("x", "list me")]);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await _gateway.CreateAsync(fileId)).Operation.BatchId);
        }

        var first = await ReadJsonAsync("/v1/batches?limit=2");
        Assert.Equal("list", first.GetProperty("object").GetString());
        Assert.Equal([ids[2], ids[1]], first.GetProperty("data").EnumerateArray().Select(b => b.GetProperty("id").GetString()));
        Assert.True(first.GetProperty("has_more").GetBoolean());
        Assert.Equal(ids[2], first.GetProperty("first_id").GetString());
        Assert.Equal(ids[1], first.GetProperty("last_id").GetString());

        var second = await ReadJsonAsync($"/v1/batches?limit=2&after={ids[1]}");
        Assert.Equal(ids[0], second.GetProperty("data")[0].GetProperty("id").GetString());

        var listed = new List<string>();
        await foreach (ClientResult page in _gateway.Batches.GetBatchesAsync(after: null, limit: 10, new RequestOptions()).GetRawPagesAsync())
        {
            listed.AddRange(OpenAiBatchesFixture.Parse(page.GetRawResponse().Content).GetProperty("data").EnumerateArray().Select(b => b.GetProperty("id").GetString()!));
        }

        Assert.Equal(ids.AsEnumerable().Reverse(), listed.Where(ids.Contains));
    }

    private async Task<JsonElement> ReadJsonAsync(string path)
    {
        using var response = await _gateway.Http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static string Content(JsonElement line) =>
        line.GetProperty("response").GetProperty("body").GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
}
