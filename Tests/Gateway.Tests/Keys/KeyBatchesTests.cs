#pragma warning disable OPENAI001 // The Batch API client is marked experimental by the OpenAI package.
using System.ClientModel;
using System.ClientModel.Primitives;
using OpenAI;
using OpenAI.Batch;
using OpenAI.Files;
using OrleansGateway.Tests.Batch;
using OrleansGateway.Tests.Batches;

namespace OrleansGateway.Tests.Keys;

/// <summary>
/// Batches and files of virtual keys on the embedded gateway: a job, a batch and a file belong to the key that
/// created them (another key gets 404, lists show the caller's own, the admin key sees all), a batch may only read
/// the caller's own input file, model access is checked per job and per line, and the tasks pass the key's limits
/// as they run: with the rate, parallel limit or budget used up they wait (never fail) and go on once there is room;
/// their usage and spend are the key's.
/// </summary>
public sealed class KeyBatchesTests(KeyBatchesGateway gateway) : IClassFixture<KeyBatchesGateway>
{
    private readonly OpenAiBatchesFixture _gateway = gateway.Fixture;

    private HttpClient Client(string secret)
    {
        var client = new HttpClient { BaseAddress = _gateway.Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    private async Task<(string Id, string Secret)> CreateKeyAsync(object body)
    {
        using var response = await _gateway.Http.PostAsJsonAsync("/admin/keys", body);
        var json = await GatewayApplication.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, json.ToString());
        return (json.GetProperty("id").GetString()!, json.GetProperty("key").GetString()!);
    }

    private static object Job(string tag, int tasks, string model = "fake/fake-model") => new
    {
        model,
        max_tokens = 10,
        tasks = Enumerable.Range(0, tasks).Select(i => new { id = $"t{i}", prompt = $"{tag} question {i}" }).ToArray(),
    };

    private static async Task<string> SubmitAsync(HttpClient client, object job)
    {
        using var response = await client.PostAsJsonAsync("/v1/batch/generate", job);
        var json = await GatewayApplication.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected the job to be accepted: {json}");
        return json.GetProperty("job_id").GetString()!;
    }

    private static async Task<JsonElement> ReadJobAsync(HttpClient client, string jobId)
    {
        using var response = await client.GetAsync($"/v1/batch/{jobId}?include_results=false");
        var json = await GatewayApplication.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected the job: {json}");
        return json;
    }

    private static Task<JsonElement> WaitForJobAsync(HttpClient client, string jobId, Func<JsonElement, bool> condition, string what, int seconds = 30) =>
        BatchPolling.UntilAsync(() => ReadJobAsync(client, jobId), condition, last => $"The job did not reach {what}; last: {last}", TimeSpan.FromSeconds(seconds));

    private int ProviderCallsWith(string tag) => _gateway.Provider.Requests.Count(r => r.LastUserMessage?.Contains(tag, StringComparison.Ordinal) == true);

    private async Task<JsonElement> UsageDayAsync(string keyId)
    {
        var usage = await GatewayApplication.ReadJsonAsync(await _gateway.Http.GetAsync($"/admin/keys/{keyId}/usage"));
        return Assert.Single(usage.GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task BatchJob_OfAVirtualKey_IsItsOwn_OtherKeysGet404_AndItsUsageIsTheKeys()
    {
        var (ownerId, ownerSecret) = await CreateKeyAsync(new { name = "batch-owner" });
        var (_, otherSecret) = await CreateKeyAsync(new { name = "batch-other" });
        using var owner = Client(ownerSecret);
        using var other = Client(otherSecret);
        var tag = "owned-" + Guid.NewGuid().ToString("N")[..8];

        var jobId = await SubmitAsync(owner, Job(tag, 3));
        var done = await WaitForJobAsync(owner, jobId, j => j.GetProperty("status").GetString() == "completed", "completed");
        Assert.Equal(3, done.GetProperty("completed_count").GetInt32());

        await ErrorAssert.OpenAiErrorAsync(await other.GetAsync($"/v1/batch/{jobId}"), HttpStatusCode.NotFound, jobId);
        await ErrorAssert.OpenAiErrorAsync(await other.GetAsync($"/v1/batch/{jobId}/results"), HttpStatusCode.NotFound, jobId);
        await ErrorAssert.OpenAiErrorAsync(await other.PostAsync($"/v1/batch/{jobId}/cancel", null), HttpStatusCode.NotFound, jobId);
        Assert.Equal("completed", (await ReadJobAsync(owner, jobId)).GetProperty("status").GetString());

        var otherJobId = await SubmitAsync(other, Job(tag + "-b", 1));
        static async Task<List<string>> ListAsync(HttpClient client)
        {
            var list = await GatewayApplication.ReadJsonAsync(await client.GetAsync("/v1/batch?limit=100"));
            return [.. list.GetProperty("data").EnumerateArray().Select(j => j.GetProperty("job_id").GetString()!)];
        }

        Assert.Equal([jobId], await ListAsync(owner));
        Assert.Equal([otherJobId], await ListAsync(other));
        var all = await ListAsync(_gateway.Http);
        Assert.Contains(jobId, all);
        Assert.Contains(otherJobId, all);
        Assert.Equal("completed", (await ReadJobAsync(_gateway.Http, jobId)).GetProperty("status").GetString());

        using var results = await owner.GetAsync($"/v1/batch/{jobId}/results");
        Assert.Equal(HttpStatusCode.OK, results.StatusCode);
        Assert.Equal(3, (await results.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        // Billed to the key: three requests, the job's tokens, spend = tokens at 1 USD a token.
        var day = await UsageDayAsync(ownerId);
        Assert.Equal(3, day.GetProperty("requests").GetInt64());
        var usage = done.GetProperty("usage");
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt64(), day.GetProperty("input_tokens").GetInt64());
        Assert.Equal(usage.GetProperty("completion_tokens").GetInt64(), day.GetProperty("output_tokens").GetInt64());
        Assert.Equal(usage.GetProperty("total_tokens").GetInt64(), day.GetProperty("spend").GetDecimal());
    }

    [Fact]
    public async Task BatchJob_ModelOutsideTheKeysModels_Is403AndNothingRuns()
    {
        var (_, secret) = await CreateKeyAsync(new { name = "batch-models", models = new[] { "fake/fake-model" } });
        using var client = Client(secret);
        var tag = "denied-" + Guid.NewGuid().ToString("N")[..8];

        var error = await ErrorAssert.OpenAiErrorAsync(await client.PostAsJsonAsync("/v1/batch/generate", Job(tag, 2, "fake/other-model")), HttpStatusCode.Forbidden, "fake/other-model");
        Assert.Equal("model_not_allowed", error.GetProperty("code").GetString());
        var list = await GatewayApplication.ReadJsonAsync(await client.GetAsync("/v1/batch"));
        Assert.Empty(list.GetProperty("data").EnumerateArray());
        Assert.Equal(0, ProviderCallsWith(tag));
    }

    [Fact]
    public async Task BatchJob_KeysRpmUsedUp_TasksWaitWithoutFailing_AndFinishOnceThereIsRoom()
    {
        var (id, secret) = await CreateKeyAsync(new { name = "batch-rpm", rpm_limit = 2 });
        using var client = Client(secret);
        var tag = "rpm-" + Guid.NewGuid().ToString("N")[..8];

        var jobId = await SubmitAsync(client, Job(tag, 5));
        await WaitForJobAsync(client, jobId, j => j.GetProperty("completed_count").GetInt32() == 2, "2 tasks completed");
        // The window is used up: the other tasks wait (pending, not failed) and the provider is not called for them.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var waiting = await ReadJobAsync(client, jobId);
        Assert.Equal(("processing", 2, 0), (waiting.GetProperty("status").GetString(), waiting.GetProperty("completed_count").GetInt32(), waiting.GetProperty("failed_count").GetInt32()));
        Assert.Equal(2, ProviderCallsWith(tag));

        using var patched = await _gateway.Http.PatchAsJsonAsync($"/admin/keys/{id}", new { rpm_limit = 100 });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var done = await WaitForJobAsync(client, jobId, j => j.GetProperty("status").GetString() == "completed", "completed");
        Assert.Equal((5, 0), (done.GetProperty("completed_count").GetInt32(), done.GetProperty("failed_count").GetInt32()));
        Assert.Equal(5, ProviderCallsWith(tag));
        Assert.Equal(5, (await UsageDayAsync(id)).GetProperty("requests").GetInt64());
    }

    [Fact]
    public async Task BatchJob_KeysParallelLimit_HoldsAtTheProvider_AndEveryTaskCompletes()
    {
        var (_, secret) = await CreateKeyAsync(new { name = "batch-parallel", max_parallel_requests = 1 });
        using var client = Client(secret);
        var tag = "parallel-" + Guid.NewGuid().ToString("N")[..8];
        _gateway.Provider.Behavior = request => request.LastUserMessage?.Contains(tag, StringComparison.Ordinal) == true
            ? FakeProviderServer.DefaultBehavior(request) with { Delay = TimeSpan.FromMilliseconds(300) }
            : FakeProviderServer.DefaultBehavior(request);
        try
        {
            _gateway.Provider.ResetCounters();
            var jobId = await SubmitAsync(client, Job(tag, 4));
            var done = await WaitForJobAsync(client, jobId, j => j.GetProperty("status").GetString() == "completed", "completed");
            Assert.Equal((4, 0), (done.GetProperty("completed_count").GetInt32(), done.GetProperty("failed_count").GetInt32()));
            Assert.Equal(4, ProviderCallsWith(tag));
            Assert.True(_gateway.Provider.PeakInFlight <= 1, $"max_parallel_requests 1, but the provider saw {_gateway.Provider.PeakInFlight} at once");
        }
        finally
        {
            _gateway.Provider.Behavior = FakeProviderServer.DefaultBehavior;
        }
    }

    [Fact]
    public async Task BatchJob_KeysBudgetUsedUp_TasksWaitWithoutFailing_SpendStaysWithinIt_AndARaisedBudgetFinishesThem()
    {
        // Each task reserves its estimate plus max_tokens 10 (about 20 USD at 1 USD a token): a budget of 50 runs a few.
        var (id, secret) = await CreateKeyAsync(new { name = "batch-budget", max_budget = 50, budget_duration = "30d" });
        using var client = Client(secret);
        var tag = "budget-" + Guid.NewGuid().ToString("N")[..8];

        var jobId = await SubmitAsync(client, Job(tag, 8));
        await WaitForJobAsync(client, jobId, j => j.GetProperty("completed_count").GetInt32() >= 1, "a task completed");
        await Task.Delay(TimeSpan.FromSeconds(3));
        var waiting = await ReadJobAsync(client, jobId);
        var completed = waiting.GetProperty("completed_count").GetInt32();
        Assert.True(completed < 8, $"The budget of 50 cannot pay for 8 tasks: {waiting}");
        Assert.Equal(0, waiting.GetProperty("failed_count").GetInt32());
        Assert.Equal("processing", waiting.GetProperty("status").GetString());
        var key = await GatewayApplication.ReadJsonAsync(await _gateway.Http.GetAsync($"/admin/keys/{id}"));
        Assert.True(key.GetProperty("spend").GetDecimal() <= 50m, $"Spend above the budget: {key}");
        Assert.Equal(completed, ProviderCallsWith(tag));

        using var patched = await _gateway.Http.PatchAsJsonAsync($"/admin/keys/{id}", new { max_budget = 10_000 });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var done = await WaitForJobAsync(client, jobId, j => j.GetProperty("status").GetString() == "completed", "completed");
        Assert.Equal((8, 0), (done.GetProperty("completed_count").GetInt32(), done.GetProperty("failed_count").GetInt32()));
        var final = await GatewayApplication.ReadJsonAsync(await _gateway.Http.GetAsync($"/admin/keys/{id}"));
        Assert.Equal(done.GetProperty("usage").GetProperty("total_tokens").GetInt64(), final.GetProperty("spend").GetDecimal());
    }

    [Fact]
    public async Task BatchJob_TaskFailsOrJobIsCancelled_TheKeysSlotAndBudgetComeBack()
    {
        var (id, secret) = await CreateKeyAsync(new { name = "batch-release", max_parallel_requests = 1, max_budget = 1000, budget_duration = "30d" });
        using var client = Client(secret);
        var tag = "release-" + Guid.NewGuid().ToString("N")[..8];
        _gateway.Provider.Behavior = request => request.LastUserMessage switch
        {
            { } m when m.Contains(tag + " question 0", StringComparison.Ordinal) => FakeProviderServer.DefaultBehavior(request) with { Status = 400 },
            { } m when m.Contains(tag + "-slow", StringComparison.Ordinal) => FakeProviderServer.DefaultBehavior(request) with { Delay = TimeSpan.FromSeconds(30) },
            _ => FakeProviderServer.DefaultBehavior(request),
        };
        try
        {
            // The first task fails at the provider: its slot comes back, so the other two (one slot between them) run.
            var failing = await SubmitAsync(client, Job(tag, 3));
            var done = await WaitForJobAsync(client, failing, j => j.GetProperty("status").GetString() == "completed", "completed");
            Assert.Equal((2, 1), (done.GetProperty("completed_count").GetInt32(), done.GetProperty("failed_count").GetInt32()));
            var tokens = done.GetProperty("usage").GetProperty("total_tokens").GetInt64();

            // A job cancelled while its task is at the provider: the task's reservation is released too.
            var slow = await SubmitAsync(client, Job(tag + "-slow", 1));
            await Eventually.UntilAsync(() => ProviderCallsWith(tag + "-slow") == 1, "the slow task to reach the provider", TimeSpan.FromSeconds(10));
            using (var cancelled = await client.PostAsync($"/v1/batch/{slow}/cancel", null))
            {
                Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
            }

            JsonElement key = default;
            await Eventually.UntilAsync(async () => (key = await GatewayApplication.ReadJsonAsync(await _gateway.Http.GetAsync($"/admin/keys/{id}"))).GetProperty("in_flight").GetInt32() == 0,
                "the cancelled task's slot to come back", TimeSpan.FromSeconds(10));
            Assert.Equal(tokens, key.GetProperty("spend").GetDecimal());
            var after = await SubmitAsync(client, Job(tag + "-after", 1));
            var afterDone = await WaitForJobAsync(client, after, j => j.GetProperty("status").GetString() == "completed", "completed");
            Assert.Equal(1, afterDone.GetProperty("completed_count").GetInt32());
        }
        finally
        {
            _gateway.Provider.Behavior = FakeProviderServer.DefaultBehavior;
        }
    }

    [Fact]
    public async Task OpenAiClient_FilesAndBatchesOfAVirtualKey_AreItsOwn_AndAnotherKeysFileIsNotFound()
    {
        var (ownerId, ownerSecret) = await CreateKeyAsync(new { name = "openai-owner", models = new[] { "fake/fake-model" } });
        var (_, otherSecret) = await CreateKeyAsync(new { name = "openai-other" });
        var (ownerFiles, ownerBatches) = OpenAi(ownerSecret);
        var (otherFiles, otherBatches) = OpenAi(otherSecret);
        var tag = "openai-" + Guid.NewGuid().ToString("N")[..8];

        OpenAIFile input = await ownerFiles.UploadFileAsync(Lines(OpenAiBatchesFixture.ChatLine("a", tag + " one"), OpenAiBatchesFixture.ChatLine("b", tag + " two")), "input.jsonl", FileUploadPurpose.Batch);
        Assert.Equal(404, (await Assert.ThrowsAsync<ClientResultException>(() => otherFiles.GetFileAsync(input.Id))).Status);
        Assert.Equal(404, (await Assert.ThrowsAsync<ClientResultException>(() => otherFiles.DownloadFileAsync(input.Id))).Status);
        Assert.Equal(404, (await Assert.ThrowsAsync<ClientResultException>(() => otherFiles.DeleteFileAsync(input.Id))).Status);
        Assert.DoesNotContain(input.Id, (await otherFiles.GetFilesAsync()).Value.Select(f => f.Id));
        Assert.Contains(input.Id, (await ownerFiles.GetFilesAsync()).Value.Select(f => f.Id));
        Assert.Contains(input.Id, (await _gateway.Files.GetFilesAsync()).Value.Select(f => f.Id));

        // Another key cannot run a batch over the owner's file.
        var stolen = await Assert.ThrowsAsync<ClientResultException>(() => otherBatches.CreateBatchAsync(BatchBody(input.Id), waitUntilCompleted: false));
        Assert.Equal(404, stolen.Status);

        var operation = await ownerBatches.CreateBatchAsync(BatchBody(input.Id), waitUntilCompleted: false);
        var batchId = OpenAiBatchesFixture.Parse(operation.GetRawResponse().Content).GetProperty("id").GetString()!;
        var batch = await OpenAiBatchesFixture.WaitForStatusAsync(operation, "completed");
        Assert.Equal(2, batch.GetProperty("request_counts").GetProperty("completed").GetInt32());
        var outputId = batch.GetProperty("output_file_id").GetString()!;
        BinaryData output = await ownerFiles.DownloadFileAsync(outputId);
        Assert.Contains("echo: " + tag + " one", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(404, (await Assert.ThrowsAsync<ClientResultException>(() => otherFiles.DownloadFileAsync(outputId))).Status);
        using (var other = Client(otherSecret))
        {
            await ErrorAssert.OpenAiErrorAsync(await other.GetAsync($"/v1/batches/{batchId}"), HttpStatusCode.NotFound, batchId);
            await ErrorAssert.OpenAiErrorAsync(await other.PostAsync($"/v1/batches/{batchId}/cancel", null), HttpStatusCode.NotFound, batchId);
        }

        Assert.DoesNotContain(batchId, await ListBatchesAsync(otherSecret));
        Assert.Equal([batchId], await ListBatchesAsync(ownerSecret));
        Assert.Contains(batchId, await ListBatchesAsync("gateway-secret"));
        Assert.Equal(2, (await UsageDayAsync(ownerId)).GetProperty("requests").GetInt64());

        // A line whose model the key may not use fails the batch's validation with that line's error; nothing runs.
        OpenAIFile denied = await ownerFiles.UploadFileAsync(Lines(OpenAiBatchesFixture.ChatLine("ok", tag + " fine"), OpenAiBatchesFixture.ChatLine("no", tag + " denied", model: "fake/other-model")), "denied.jsonl", FileUploadPurpose.Batch);
        var refused = await ownerBatches.CreateBatchAsync(BatchBody(denied.Id), waitUntilCompleted: false);
        var failed = OpenAiBatchesFixture.Parse(refused.GetRawResponse().Content);
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        var lineError = Assert.Single(failed.GetProperty("errors").GetProperty("data").EnumerateArray());
        Assert.Equal(("model_not_allowed", 2), (lineError.GetProperty("code").GetString(), lineError.GetProperty("line").GetInt32()));
        Assert.Equal(0, ProviderCallsWith(tag + " fine"));
    }

    private (OpenAIFileClient Files, BatchClient Batches) OpenAi(string secret)
    {
        var client = new OpenAIClient(new ApiKeyCredential(secret), new OpenAIClientOptions { Endpoint = new Uri(_gateway.Address, "/v1") });
        return (client.GetOpenAIFileClient(), client.GetBatchClient());
    }

    private static MemoryStream Lines(params string[] lines) => new(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"));

    private static BinaryContent BatchBody(string fileId) =>
        BinaryContent.Create(BinaryData.FromObjectAsJson(new { input_file_id = fileId, endpoint = "/v1/chat/completions", completion_window = "24h" }));

    private async Task<List<string>> ListBatchesAsync(string secret)
    {
        using var client = Client(secret);
        var list = await GatewayApplication.ReadJsonAsync(await client.GetAsync("/v1/batches?limit=100"));
        return [.. list.GetProperty("data").EnumerateArray().Select(b => b.GetProperty("id").GetString()!)];
    }
}
