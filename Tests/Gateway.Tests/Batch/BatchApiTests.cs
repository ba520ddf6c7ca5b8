namespace OrleansGateway.Tests.Batch;

public sealed class BatchApiTests(BatchGatewayFixture fixture) : IClassFixture<BatchGatewayFixture>
{
    private const string Model = "fake/fake-model";

    [Fact]
    public async Task Generate_TasksWithDifferentPrompts_EachTaskGetsItsOwnOutput()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var tasks = Enumerable.Range(0, 10).Select(i => i % 2 == 0
            ? (object)new { id = $"t{i}", prompt = $"{tag} question {i}" }
            : new { id = $"t{i}", messages = new object[] { new { role = "system", content = "Be brief." }, new { role = "user", content = $"{tag} question {i}" } }, max_tokens = 5 })
            .ToArray();

        var submitted = await fixture.SubmitAsync(new { model = Model, tasks, temperature = 0.5, batch_metadata = new { owner = "tests", run = 7 } });

        var jobId = submitted.GetProperty("job_id").GetString()!;
        Assert.StartsWith("batch_", jobId);
        Assert.Equal("queued", submitted.GetProperty("status").GetString());
        Assert.Equal(10, submitted.GetProperty("task_count").GetInt32());
        Assert.Equal("tests", submitted.GetProperty("batch_metadata").GetProperty("owner").GetString());
        Assert.True(submitted.GetProperty("submitted_at").GetInt64() > 1_700_000_000, $"submitted_at should be a Unix time: {submitted}");

        await fixture.WaitForStatusAsync(jobId, "completed");
        var job = await fixture.GetJsonAsync($"/v1/batch/{jobId}");
        Assert.Equal(10, job.GetProperty("completed_count").GetInt32());
        Assert.Equal(0, job.GetProperty("failed_count").GetInt32());
        Assert.Equal(7, job.GetProperty("batch_metadata").GetProperty("run").GetInt32());
        Assert.NotEqual(JsonValueKind.Null, job.GetProperty("started_at").ValueKind);
        Assert.NotEqual(JsonValueKind.Null, job.GetProperty("completed_at").ValueKind);
        var results = job.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(10, results.Count);
        var totalTokens = 0;
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal($"t{i}", results[i].GetProperty("id").GetString());
            Assert.Equal("completed", results[i].GetProperty("status").GetString());
            Assert.Equal($"echo: {tag} question {i}", results[i].GetProperty("output").GetString());
            Assert.Equal(JsonValueKind.Null, results[i].GetProperty("error").ValueKind);
            totalTokens += results[i].GetProperty("usage").GetProperty("total_tokens").GetInt32();
        }

        Assert.True(totalTokens > 0, "tasks should report token usage");
        Assert.Equal(totalTokens, job.GetProperty("usage").GetProperty("total_tokens").GetInt32());

        // Task-level max_tokens reaches the provider; the job-level temperature applies to every task.
        var odd = fixture.Provider.Requests.Single(r => r.LastUserMessage == $"{tag} question 1");
        using (var body = odd.Json())
        {
            Assert.Equal(5, body.RootElement.GetProperty("max_completion_tokens").GetInt32());
            Assert.Equal(0.5, body.RootElement.GetProperty("temperature").GetDouble(), 3);
        }
    }

    [Fact]
    public async Task Generate_TaskFailsAfterRetries_RecordedAsFailedAndJobCompletes()
    {
        var submitted = await fixture.SubmitAsync(new { model = Model, tasks = new[] { new { prompt = "ok one" }, new { prompt = "fail: boom" }, new { prompt = "ok two" } } });
        var jobId = submitted.GetProperty("job_id").GetString()!;

        await fixture.WaitForStatusAsync(jobId, "completed");
        var job = await fixture.GetJsonAsync($"/v1/batch/{jobId}");

        Assert.Equal(2, job.GetProperty("completed_count").GetInt32());
        Assert.Equal(1, job.GetProperty("failed_count").GetInt32());
        var results = job.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(["0", "1", "2"], results.Select(r => r.GetProperty("id").GetString()));
        Assert.Equal("echo: ok one", results[0].GetProperty("output").GetString());
        Assert.Equal("failed", results[1].GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, results[1].GetProperty("output").ValueKind);
        Assert.False(string.IsNullOrWhiteSpace(results[1].GetProperty("error").GetString()), $"a failed task should say why: {results[1]}");
        Assert.Equal("echo: ok two", results[2].GetProperty("output").GetString());
    }

    [Fact]
    public async Task Get_ResultsPage_ReturnsRequestedWindowInTaskOrder()
    {
        var submitted = await fixture.SubmitAsync(new { model = Model, tasks = Enumerable.Range(0, 10).Select(i => new { prompt = $"page {i}" }).ToArray() });
        var jobId = submitted.GetProperty("job_id").GetString()!;
        await fixture.WaitForStatusAsync(jobId, "completed");

        var middle = await fixture.GetJsonAsync($"/v1/batch/{jobId}?results_offset=3&results_limit=4");
        var last = await fixture.GetJsonAsync($"/v1/batch/{jobId}?results_offset=8&results_limit=4");

        Assert.Equal(["3", "4", "5", "6"], middle.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("id").GetString()));
        Assert.Equal(["echo: page 3", "echo: page 4", "echo: page 5", "echo: page 6"], middle.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("output").GetString()));
        Assert.Equal(3, middle.GetProperty("results_offset").GetInt32());
        Assert.Equal(4, middle.GetProperty("results_limit").GetInt32());
        Assert.True(middle.GetProperty("has_more_results").GetBoolean(), "results 7-9 follow the middle page");
        Assert.Equal(["8", "9"], last.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("id").GetString()));
        Assert.False(last.GetProperty("has_more_results").GetBoolean(), "the last page has nothing after it");
    }

    [Fact]
    public async Task Get_IncludeResultsFalse_ReturnsCountersWithoutResults()
    {
        var submitted = await fixture.SubmitAsync(new { model = Model, tasks = new[] { new { prompt = "counters" } } });
        var jobId = submitted.GetProperty("job_id").GetString()!;
        await fixture.WaitForStatusAsync(jobId, "completed");

        var job = await fixture.GetJsonAsync($"/v1/batch/{jobId}?include_results=false");

        Assert.False(job.TryGetProperty("results", out _), $"include_results=false must leave results out: {job}");
        Assert.Equal(1, job.GetProperty("task_count").GetInt32());
        Assert.Equal(1, job.GetProperty("completed_count").GetInt32());
        Assert.Equal(0, job.GetProperty("failed_count").GetInt32());
        Assert.True(job.GetProperty("usage").GetProperty("total_tokens").GetInt32() > 0, $"usage totals expected: {job}");
    }

    [Fact]
    public async Task Results_CompletedJob_StreamsJsonLinesInTaskOrder()
    {
        var submitted = await fixture.SubmitAsync(new { model = Model, tasks = Enumerable.Range(0, 7).Select(i => new { id = $"line-{i}", prompt = $"line {i}" }).ToArray() });
        var jobId = submitted.GetProperty("job_id").GetString()!;
        await fixture.WaitForStatusAsync(jobId, "completed");

        var response = await fixture.App.CreateClient().GetAsync($"/v1/batch/{jobId}/results");
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/jsonl", response.Content.Headers.ContentType?.MediaType);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(7, lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            using var line = JsonDocument.Parse(lines[i]);
            Assert.Equal($"line-{i}", line.RootElement.GetProperty("id").GetString());
            Assert.Equal("completed", line.RootElement.GetProperty("status").GetString());
            Assert.Equal($"echo: line {i}", line.RootElement.GetProperty("output").GetString());
        }
    }

    [Fact]
    public async Task Cancel_RunningJob_KeepsFinishedResultsAndNeverStartsTheRest()
    {
        const int count = 48;
        var tag = Guid.NewGuid().ToString("N")[..8];
        var submitted = await fixture.SubmitAsync(new { model = Model, tasks = Enumerable.Range(0, count).Select(i => new { prompt = $"slow:{tag}:{i}" }).ToArray() });
        var jobId = submitted.GetProperty("job_id").GetString()!;
        await fixture.WaitForJobAsync(jobId, job => job.GetProperty("completed_count").GetInt32() > 0, "a first completed task");

        var response = await fixture.App.PostJsonAsync($"/v1/batch/{jobId}/cancel", "{}");
        var cancelled = await GatewayApplication.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200 from cancel, got {(int)response.StatusCode}: {cancelled}");
        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());
        Assert.NotEqual(JsonValueKind.Null, cancelled.GetProperty("completed_at").ValueKind);
        await WaitUntilAsync(() => fixture.Provider.InFlight == 0, "the provider to have no request in flight after the cancel");

        // The counters catch up with the stored results once the cancelled calls have answered.
        var job = await fixture.WaitForJobAsync(jobId + "?results_limit=100", j => j.GetProperty("completed_count").GetInt32() == CompletedResults(j), "counters matching the stored results");
        var results = job.GetProperty("results").EnumerateArray().ToList();
        var completed = CompletedResults(job);
        var never = results.Count(r => r.GetProperty("status").GetString() == "cancelled");
        var started = fixture.Provider.Requests.Count(r => r.LastUserMessage.StartsWith($"slow:{tag}:", StringComparison.Ordinal));
        Assert.Equal("cancelled", job.GetProperty("status").GetString());
        Assert.Equal(completed, job.GetProperty("completed_count").GetInt32());
        Assert.Equal(0, job.GetProperty("failed_count").GetInt32());
        Assert.Equal(count, completed + never);
        Assert.True(completed > 0, "results finished before the cancel are kept");
        Assert.True(started < count, $"tasks not started before the cancel must never start; the provider saw {started} of {count}");
        Assert.All(results.Where(r => r.GetProperty("status").GetString() == "completed"),
            r => Assert.StartsWith($"echo: slow:{tag}:", r.GetProperty("output").GetString()));
    }

    [Fact]
    public async Task Run_ProviderNoLongerConfigured_JobFailsSayingWhy()
    {
        // The API refuses unknown providers, so the job is submitted to its grain as if the
        // provider had been removed from the configuration after the job was accepted.
        var jobId = "batch_ghost_" + Guid.NewGuid().ToString("N");
        var grains = fixture.App.Services.GetRequiredService<IGrainFactory>();
        await grains.GetGrain<IBatchJobGrain>(jobId).SubmitAsync(new BatchJobSpec("ghost/model", [new BatchTask("0", [new ChatMessage("user", "hello")])]));

        var job = await fixture.WaitForStatusAsync(jobId, "failed");

        Assert.Contains("ghost/model", job.GetProperty("error").GetString());
        Assert.NotEqual(JsonValueKind.Null, job.GetProperty("completed_at").ValueKind);
        Assert.Equal(0, job.GetProperty("completed_count").GetInt32());
    }

    [Fact]
    public async Task RunAsync_TaskAlreadyCompleted_NotRunAgainAndCountedOnce()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var submitted = await fixture.SubmitAsync(new { model = Model, tasks = Enumerable.Range(0, 6).Select(i => new { prompt = $"{tag} once {i}" }).ToArray() });
        var jobId = submitted.GetProperty("job_id").GetString()!;
        await fixture.WaitForStatusAsync(jobId, "completed");
        var grains = fixture.App.Services.GetRequiredService<IGrainFactory>();
        var firstGroup = grains.GetGrain<ITaskGrain>(TaskGrainKeys.For(jobId, 0));

        // As a resumed job would: run tasks that already have their result again, twice at once.
        var again = await Task.WhenAll(firstGroup.RunAsync([1]), firstGroup.RunAsync([1, 2]), firstGroup.RunAsync([2]));

        Assert.All(again, progress => Assert.Equal(4, progress.Completed));
        Assert.Equal(6, fixture.Provider.Requests.Count(r => r.LastUserMessage.StartsWith($"{tag} once ", StringComparison.Ordinal)));
        var job = await fixture.GetJsonAsync($"/v1/batch/{jobId}");
        Assert.Equal(6, job.GetProperty("completed_count").GetInt32());
        Assert.Equal(["echo: " + tag + " once 1", "echo: " + tag + " once 2"], job.GetProperty("results").EnumerateArray().Skip(1).Take(2).Select(r => r.GetProperty("output").GetString()));
    }

    [Fact]
    public async Task Run_InteractiveRequestDuringBatch_ServedAheadOfQueuedBatchTasks()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];

        // One interactive request first, so the measured one does not pay for a cold path (first-call JIT and
        // activation can outlast the batch wave's 1 s on a busy machine, which would let the queued tasks go first).
        var warm = await fixture.App.PostAsync("/v1/chat/completions", new { model = Model, messages = new[] { new { role = "user", content = $"warm-up:{tag}" } } });
        Assert.Equal(HttpStatusCode.OK, warm.StatusCode);

        var submitted = await fixture.SubmitAsync(new { model = Model, tasks = Enumerable.Range(0, 40).Select(i => new { prompt = $"slower:{tag}:{i}" }).ToArray() });
        var jobId = submitted.GetProperty("job_id").GetString()!;

        // The batch holds all 8 slots for 1 s and has 8 more tasks queued at the provider grain (window 16).
        await WaitUntilAsync(() => fixture.Provider.InFlight >= 8, "the batch to hold all 8 provider slots");
        var arrivedBefore = fixture.Provider.Requests.Count;

        var response = await fixture.App.PostAsync("/v1/chat/completions", new { model = Model, messages = new[] { new { role = "user", content = $"interactive:{tag}" } } });

        var body = await GatewayApplication.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200 for the interactive request, got {(int)response.StatusCode}: {body}");
        var arrivals = fixture.Provider.Requests.ToArray();
        var position = Array.FindIndex(arrivals, r => r.LastUserMessage == $"interactive:{tag}");
        var batchAhead = arrivals[arrivedBefore..position].Count(r => r.LastUserMessage.StartsWith($"slower:{tag}:", StringComparison.Ordinal));

        // Queued behind the batch it would come after its 8 queued tasks; with its priority it takes
        // one of the 8 slots the running wave frees (whose other 7 may reach the provider first).
        Assert.True(batchAhead < 8, $"the interactive request should take a slot ahead of the 8 queued batch tasks; {batchAhead} batch requests reached the provider first");

        await fixture.App.PostJsonAsync($"/v1/batch/{jobId}/cancel", "{}");
        await fixture.WaitForStatusAsync(jobId, "cancelled");
    }

    [Theory]
    [InlineData("GET", "/v1/batch/batch_unknown")]
    [InlineData("GET", "/v1/batch/batch_unknown/results")]
    [InlineData("POST", "/v1/batch/batch_unknown/cancel")]
    public async Task UnknownJob_AnyEndpoint_Returns404(string method, string path)
    {
        var response = await fixture.App.CreateClient().SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        var error = await ErrorAssert.OpenAiErrorAsync(response, HttpStatusCode.NotFound, "batch_unknown");
        Assert.Equal("batch_not_found", error.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("""{"model":"fake/fake-model","tasks":"nope"}""", "'tasks': expected an array", "tasks")]
    [InlineData("""{"model":"fake/fake-model"}""", "Missing required field 'tasks'", "tasks")]
    [InlineData("""{"model":"fake/fake-model","tasks":[]}""", "'tasks' is empty", "tasks")]
    [InlineData("""{"model":"fake/fake-model","tasks":["just text"]}""", "tasks[0]", "tasks[0]")]
    [InlineData("""{"model":"fake/fake-model","tasks":[{"prompt":"a"},{"id":"x"}]}""", "tasks[1] has neither 'messages' nor 'prompt'", "tasks[1]")]
    [InlineData("""{"model":"fake/fake-model","tasks":[{"prompt":"a","messages":[{"role":"user","content":"b"}]}]}""", "tasks[0] has both", "tasks[0]")]
    [InlineData("""{"model":"fake/fake-model","tasks":[{"prompt":"a"},{"prompt":"b"},{"prompt":"  "}]}""", "tasks[2].prompt is empty", "tasks[2].prompt")]
    [InlineData("""{"model":"fake/fake-model","tasks":[{"prompt":5}]}""", "tasks[0].prompt", "tasks[0].prompt")]
    [InlineData("""{"model":"fake/fake-model","tasks":[{"prompt":"a"},{"messages":[]}]}""", "tasks[1].messages is empty", "tasks[1].messages")]
    [InlineData("""{"model":"fake/fake-model","tasks":[{"prompt":"a"},{"messages":[{"role":"user","content":""}]}]}""", "tasks[1].messages[0].content is empty", "tasks[1].messages[0].content")]
    [InlineData("""{"model":"fake/fake-model","tasks":[{"messages":[{"role":"robot","content":"hi"}]}]}""", "tasks[0].messages[0].role", "tasks[0].messages[0].role")]
    [InlineData("""{"model":"fake/fake-model","tasks":[{"id":"a","prompt":"x"},{"id":"b","prompt":"y"},{"id":"a","prompt":"z"}]}""", "tasks[2].id 'a' duplicates tasks[0].id", "tasks[2].id")]
    [InlineData("""{"model":"fake/fake-model","tasks":[{"id":"","prompt":"x"}]}""", "tasks[0].id", "tasks[0].id")]
    [InlineData("""{"model":"fake/fake-model","tasks":[{"prompt":"a"},{"prompt":"b","temperature":3}]}""", "tasks[1].temperature", "tasks[1].temperature")]
    [InlineData("""{"model":"fake/fake-model","tasks":[{"prompt":"a","max_tokens":0}]}""", "tasks[0].max_tokens", "tasks[0].max_tokens")]
    [InlineData("""{"model":"fake/fake-model","temperature":2.5,"tasks":[{"prompt":"a"}]}""", "'temperature' 2.5", "temperature")]
    [InlineData("""{"model":"fake/fake-model","top_p":1.5,"tasks":[{"prompt":"a"}]}""", "'top_p'", "top_p")]
    [InlineData("""{"model":"fake/fake-model","batch_metadata":[1],"tasks":[{"prompt":"a"}]}""", "'batch_metadata' must be a JSON object", "batch_metadata")]
    [InlineData("""{"tasks":[{"prompt":"a"}]}""", "Missing required field 'model'", "model")]
    public async Task Generate_BadInput_Returns400NamingTheOffendingField(string json, string message, string param)
    {
        var response = await fixture.App.PostJsonAsync("/v1/batch/generate", json);

        var error = await ErrorAssert.OpenAiErrorAsync(response, HttpStatusCode.BadRequest, message, "invalid_request_error");
        Assert.Equal(param, error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task Generate_UnknownProvider_Returns404ModelNotFound_AsChatCompletionsDoes()
    {
        var response = await fixture.App.PostJsonAsync("/v1/batch/generate", """{"model":"nope/some-model","tasks":[{"prompt":"a"}]}""");

        var error = await ErrorAssert.OpenAiErrorAsync(response, HttpStatusCode.NotFound, "Unknown provider 'nope'", "invalid_request_error");
        Assert.Equal("model", error.GetProperty("param").GetString());
        Assert.Equal("model_not_found", error.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("?results_limit=0", "results_limit")]
    [InlineData("?results_limit=10001", "results_limit")]
    [InlineData("?results_offset=-1", "results_offset")]
    [InlineData("?results_offset=abc", "results_offset")]
    [InlineData("?include_results=maybe", "include_results")]
    public async Task Get_BadQuery_Returns400NamingTheParameter(string query, string param)
    {
        var submitted = await fixture.SubmitAsync(new { model = Model, tasks = new[] { new { prompt = "query" } } });
        var jobId = submitted.GetProperty("job_id").GetString()!;

        var response = await fixture.App.CreateClient().GetAsync($"/v1/batch/{jobId}{query}");

        var error = await ErrorAssert.OpenAiErrorAsync(response, HttpStatusCode.BadRequest, $"'{param}'", "invalid_request_error");
        Assert.Equal(param, error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task List_LimitOutOfRange_Returns400()
    {
        var response = await fixture.App.CreateClient().GetAsync("/v1/batch?limit=101");

        var error = await ErrorAssert.OpenAiErrorAsync(response, HttpStatusCode.BadRequest, "'limit'", "invalid_request_error");
        Assert.Equal("limit", error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task Generate_MoreTasksThanAllowed_Returns400NamingFirstTaskOverLimit()
    {
        var tasks = Enumerable.Range(0, BatchGatewayFixture.MaxTasksPerJob + 1).Select(i => new { prompt = $"p{i}" }).ToArray();

        var response = await fixture.App.PostAsync("/v1/batch/generate", new { model = Model, tasks });

        await ErrorAssert.OpenAiErrorAsync(response, HttpStatusCode.BadRequest,
            $"{BatchGatewayFixture.MaxTasksPerJob + 1} given, at most {BatchGatewayFixture.MaxTasksPerJob} per job (tasks[{BatchGatewayFixture.MaxTasksPerJob}]");
    }

    [Fact]
    public async Task List_SeveralJobs_NewestFirstInPages()
    {
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var submitted = await fixture.SubmitAsync(new { model = Model, tasks = new[] { new { prompt = $"list {i}" } } });
            ids.Add(submitted.GetProperty("job_id").GetString()!);
        }

        var first = await fixture.GetJsonAsync("/v1/batch?limit=2");
        var second = await fixture.GetJsonAsync($"/v1/batch?limit=2&after={first.GetProperty("last_id").GetString()}");

        Assert.Equal("list", first.GetProperty("object").GetString());
        Assert.Equal([ids[2], ids[1]], first.GetProperty("data").EnumerateArray().Select(j => j.GetProperty("job_id").GetString()));
        Assert.Equal(ids[2], first.GetProperty("first_id").GetString());
        Assert.True(first.GetProperty("has_more").GetBoolean(), "older jobs follow the first page");
        Assert.Equal(ids[0], second.GetProperty("data")[0].GetProperty("job_id").GetString());
        Assert.Equal(1, second.GetProperty("data")[0].GetProperty("task_count").GetInt32());
        Assert.False(first.GetProperty("data")[0].TryGetProperty("results", out _), "the listing carries no results");
    }

    private static int CompletedResults(JsonElement job) =>
        job.GetProperty("results").EnumerateArray().Count(r => r.GetProperty("status").GetString() == "completed");

    private static Task WaitUntilAsync(Func<bool> condition, string description) =>
        Eventually.UntilAsync(condition, description, TimeSpan.FromSeconds(15));
}
