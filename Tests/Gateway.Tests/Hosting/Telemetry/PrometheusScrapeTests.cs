using System.Globalization;

namespace OrleansGateway.Tests.Hosting.Telemetry;

/// <summary>
/// A real Prometheus server (Debian's <c>prometheus</c>, started by <c>scripts/test-services.sh</c>) scrapes a
/// gateway on loopback with the gateway key while it answers a few requests and runs a batch job; the figures
/// (request counts, token usage, provider slots, batch progress) are read back through Prometheus' own query API.
/// </summary>
[Collection(ProcessMetricsCollection.Name)]
public sealed class PrometheusScrapeTests : IAsyncLifetime
{
    private const int SlotLimit = 6;

    private FakeProviderServer _provider = null!;

    public async Task InitializeAsync() => _provider = await FakeProviderServer.StartAsync();

    public async Task DisposeAsync() => await _provider.DisposeAsync();

    [Fact]
    public async Task Prometheus_ScrapesAGatewayUnderRequests_RequestsTokensSlotsAndBatchProgressArriveWithLabels()
    {
        var prometheus = Required("GATEWAY_TEST_PROMETHEUS");
        var targets = Required("GATEWAY_TEST_PROMETHEUS_TARGETS");
        var token = Required("GATEWAY_TEST_PROMETHEUS_TOKEN");
        var run = "t" + Guid.NewGuid().ToString("N")[..12];

        await using var app = new GatewayApplication(_provider, new Dictionary<string, string?>
        {
            ["SECRET_TOKEN"] = token,
            ["Gateway:Providers:fake:MaxConcurrency"] = SlotLimit.ToString(CultureInfo.InvariantCulture),
        });
        var gateway = app.StartKestrel();
        using var client = new HttpClient { BaseAddress = gateway };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var (inputTokens, outputTokens) = (0, 0);
        for (var i = 0; i < 3; i++)
        {
            var chat = await client.PostAsync("/v1/chat/completions", Json(new { model = "fake/fake-model", messages = new[] { new { role = "user", content = $"hi {i}" } } }));
            Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
            var answered = JsonDocument.Parse(await chat.Content.ReadAsStringAsync()).RootElement.GetProperty("usage");
            inputTokens += answered.GetProperty("prompt_tokens").GetInt32();
            outputTokens += answered.GetProperty("completion_tokens").GetInt32();
        }

        var generation = await client.PostAsync("/llm/generation", Json(new { model = "fake/fake-model", user_prompt = "hello" }));
        Assert.Equal(HttpStatusCode.OK, generation.StatusCode);
        var submitted = await client.PostAsync("/v1/batch/generate", Json(new { model = "fake/fake-model", tasks = new[] { new { prompt = "one" }, new { prompt = "two" }, new { prompt = "three" }, new { prompt = "four" } } }));
        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        var jobId = JsonDocument.Parse(await submitted.Content.ReadAsStringAsync()).RootElement.GetProperty("job_id").GetString()!;
        await Eventually.UntilAsync(
            async () => JsonDocument.Parse(await client.GetStringAsync($"/v1/batch/{jobId}?include_results=false")).RootElement.GetProperty("status").GetString() == "completed",
            "the batch job to complete",
            TimeSpan.FromSeconds(30));
        using (var anonymous = new HttpClient { BaseAddress = gateway })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/v1/models")).StatusCode);
        }

        var target = Path.Combine(targets, run + ".json");
        await File.WriteAllTextAsync(target, JsonSerializer.Serialize(new[] { new { targets = new[] { $"127.0.0.1:{gateway.Port}" }, labels = new { run } } }));
        try
        {
            using var query = new HttpClient { BaseAddress = new Uri(prometheus) };
            // Requests are counted by ASP.NET Core's request duration, tagged with the gateway's surface (the fake
            // provider, an ASP.NET Core app in this process too, adds untagged series for its own routes).
            var byRoute = $"sum by (http_route, http_response_status_code, gateway_surface) (http_server_request_duration_seconds_count{{run=\"{run}\",gateway_surface!=\"\"}})";
            JsonElement[] series = [];
            await Eventually.UntilAsync(
                async () =>
                {
                    series = await QueryAsync(query, byRoute);
                    return Count(series, "/v1/chat/completions", "200") >= 3 && Count(series, "/llm/generation", "200") >= 1;
                },
                $"Prometheus to hold the gateway's requests (last answer: {string.Join(", ", series.Select(s => s.ToString()))})",
                TimeSpan.FromSeconds(60));

            Assert.Equal(3, Count(series, "/v1/chat/completions", "200"));
            Assert.Equal("openai", Label(series, "/v1/chat/completions", "200", "gateway_surface"));
            Assert.Equal(1, Count(series, "/llm/generation", "200"));
            Assert.Equal("llm", Label(series, "/llm/generation", "200", "gateway_surface"));
            Assert.Equal(1, Count(series, "/v1/models", "401"));

            // Token usage: 8 calls (3 chats, the generation, 4 batch tasks), at least the chats' own tokens.
            var tokens = $"sum by (gen_ai_token_type) (gen_ai_client_token_usage_sum{{run=\"{run}\",gen_ai_provider_name=\"fake\",gen_ai_request_model=\"fake-model\",gen_ai_operation_name=\"chat\"}})";
            var tokenCalls = $"sum by (gen_ai_token_type) (gen_ai_client_token_usage_count{{run=\"{run}\",gen_ai_provider_name=\"fake\"}})";
            var batchTasks = $"sum by (gateway_batch_task_state) (gateway_batch_tasks{{run=\"{run}\",gateway_batch_job_id=\"{jobId}\"}})";
            var batchJobs = $"sum by (gateway_batch_status) (gateway_batch_jobs{{run=\"{run}\"}})";
            JsonElement[] usage = [], calls = [], progress = [], jobs = [];
            await Eventually.UntilAsync(
                async () =>
                {
                    usage = await QueryAsync(query, tokens);
                    calls = await QueryAsync(query, tokenCalls);
                    progress = await QueryAsync(query, batchTasks);
                    jobs = await QueryAsync(query, batchJobs);
                    return Value(calls, "gen_ai_token_type", "input") >= 8 && Value(progress, "gateway_batch_task_state", "completed") >= 4
                        && Value(jobs, "gateway_batch_status", "completed") >= 1;
                },
                $"Prometheus to hold the token usage and the batch job (last answers: {string.Join(", ", calls.Concat(progress).Concat(jobs).Select(e => e.ToString()))})",
                TimeSpan.FromSeconds(60));

            Assert.Equal(8, Value(calls, "gen_ai_token_type", "input"));
            Assert.Equal(8, Value(calls, "gen_ai_token_type", "output"));
            Assert.True(Value(usage, "gen_ai_token_type", "input") >= inputTokens, $"input tokens in Prometheus {Value(usage, "gen_ai_token_type", "input")}, answered {inputTokens}");
            Assert.True(Value(usage, "gen_ai_token_type", "output") >= outputTokens, $"output tokens in Prometheus {Value(usage, "gen_ai_token_type", "output")}, answered {outputTokens}");
            Assert.Equal(4, Value(progress, "gateway_batch_task_state", "completed"));
            Assert.Equal(0, Value(progress, "gateway_batch_task_state", "failed"));
            Assert.Equal(0, Value(progress, "gateway_batch_task_state", "pending"));
            Assert.Equal(0, Value(jobs, "gateway_batch_status", "processing"));

            // The provider's slots: its limit as configured, and nothing held once every call has ended.
            var limit = await QueryAsync(query, $"gateway_provider_slots_limit{{run=\"{run}\",gen_ai_provider_name=\"fake\"}}");
            Assert.Equal(SlotLimit.ToString(CultureInfo.InvariantCulture), Assert.Single(limit).GetProperty("value")[1].GetString());
            var inFlight = await QueryAsync(query, $"gateway_provider_slots_in_flight{{run=\"{run}\",gen_ai_provider_name=\"fake\"}}");
            Assert.Equal("0", Assert.Single(inFlight).GetProperty("value")[1].GetString());

            var up = await QueryAsync(query, $"up{{run=\"{run}\"}}");
            Assert.Equal("1", Assert.Single(up).GetProperty("value")[1].GetString());
        }
        finally
        {
            File.Delete(target);
        }
    }

    private static string Required(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new Xunit.Sdk.XunitException(
                $"{variable} is not set: run the tests through scripts/test.sh, which installs Debian's prometheus (apt-get install prometheus) and starts it (scripts/test-services.sh).");

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");

    private static async Task<JsonElement[]> QueryAsync(HttpClient prometheus, string promql)
    {
        var response = await prometheus.GetAsync("/api/v1/query?query=" + Uri.EscapeDataString(promql));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(body.GetProperty("status").GetString() == "success", $"Prometheus query {promql} failed: {body}");
        return [.. body.GetProperty("data").GetProperty("result").EnumerateArray().Select(e => e.Clone())];
    }

    private static double Value(JsonElement[] series, string label, string value) =>
        series.FirstOrDefault(s => s.GetProperty("metric").TryGetProperty(label, out var l) && l.GetString() == value) is { ValueKind: JsonValueKind.Object } found
            ? double.Parse(found.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture)
            : 0;

    private static string? Status(JsonElement series) =>
        series.GetProperty("metric").TryGetProperty("http_response_status_code", out var status) ? status.GetString() : null;

    private static JsonElement? Find(JsonElement[] series, string route, string status) =>
        series.Where(s => s.GetProperty("metric").TryGetProperty("http_route", out var r) && r.GetString() == route && Status(s) == status)
            .Cast<JsonElement?>().FirstOrDefault();

    private static double Count(JsonElement[] series, string route, string status) =>
        Find(series, route, status) is { } found ? double.Parse(found.GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture) : 0;

    private static string? Label(JsonElement[] series, string route, string status, string label) =>
        Find(series, route, status)?.GetProperty("metric").GetProperty(label).GetString();
}
