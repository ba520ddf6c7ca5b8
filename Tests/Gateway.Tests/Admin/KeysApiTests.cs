namespace OrleansGateway.Tests.Admin;

/// <summary>
/// Virtual keys through HTTP: the admin API (create with the secret once, list and read without it,
/// change, revoke, usage), a key on both surfaces with both headers, its models (403), its rpm limit and
/// budget (429 with Retry-After, the provider not called), and an admin-only API it cannot use.
/// </summary>
public sealed class KeysApiTests(KestrelGatewayFixture fixture) : IClassFixture<KestrelGatewayFixture>, IAsyncLifetime
{
    private const string AdminKey = "admin-secret";

    /// <summary>An admin key, and prices of 1 USD per token for <c>fake/fake-model</c> (so costs are token counts).</summary>
    private static readonly Dictionary<string, string?> s_settings = new()
    {
        ["SECRET_TOKEN"] = AdminKey,
        ["Gateway:Providers:fake:Models:1"] = "other-model",
        ["Gateway:Providers:fake:Prices:fake-model:InputPerMillion"] = "1000000",
        ["Gateway:Providers:fake:Prices:fake-model:OutputPerMillion"] = "1000000",
    };

    public async Task InitializeAsync()
    {
        await fixture.StartAsync(s_settings);
        fixture.Provider.Behavior = FakeProviderServer.DefaultBehavior;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private HttpClient Client(string? bearer = AdminKey, string? apiKey = null)
    {
        var client = fixture.CreateClient();
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-API-Key", apiKey);
        }

        return client;
    }

    private async Task<(string Id, string Secret)> CreateKeyAsync(object body)
    {
        using var client = Client();
        using var response = await client.PostAsJsonAsync("/admin/keys", body);
        var json = await GatewayApplication.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, json.ToString());
        return (json.GetProperty("id").GetString()!, json.GetProperty("key").GetString()!);
    }

    private static object Chat(string model = "fake/fake-model", int maxTokens = 10) =>
        new { model, max_tokens = maxTokens, messages = new[] { new { role = "user", content = "Say hello." } } };

    private static object Generation(string model = "fake/fake-model") => new { model, user_prompt = "Say hello.", max_tokens = 10 };

    [Fact]
    public async Task AdminApi_CreateListGetPatchRevoke_SecretOnlyOnCreation()
    {
        var (id, secret) = await CreateKeyAsync(new { name = "team-a", models = new[] { "fake/*" }, rpm_limit = 100, max_budget = 5000.5, budget_duration = "30d", metadata = new { team = "a" } });
        Assert.StartsWith("sk-gw-", secret, StringComparison.Ordinal);
        Assert.True(secret.Length >= 40, secret);

        using var admin = Client();
        var read = await GatewayApplication.ReadJsonAsync(await admin.GetAsync($"/admin/keys/{id}"));
        Assert.False(read.TryGetProperty("key", out _), "GET must never show the secret");
        Assert.Equal("team-a", read.GetProperty("name").GetString());
        Assert.Equal("30d", read.GetProperty("budget_duration").GetString());
        Assert.Equal(5000.5m, read.GetProperty("max_budget").GetDecimal());
        Assert.Equal("a", read.GetProperty("metadata").GetProperty("team").GetString());

        var list = await GatewayApplication.ReadJsonAsync(await admin.GetAsync("/admin/keys?limit=100"));
        Assert.Contains(list.GetProperty("data").EnumerateArray(), k => k.GetProperty("id").GetString() == id);
        Assert.DoesNotContain(secret, list.ToString(), StringComparison.Ordinal);

        using var patched = await admin.PatchAsJsonAsync($"/admin/keys/{id}", new { rpm_limit = 7, name = "team-a2" });
        var patchedJson = await GatewayApplication.ReadJsonAsync(patched);
        Assert.Equal(7, patchedJson.GetProperty("rpm_limit").GetInt32());
        Assert.Equal("team-a2", patchedJson.GetProperty("name").GetString());
        Assert.Equal(5000.5m, patchedJson.GetProperty("max_budget").GetDecimal());

        using (var user = Client(secret))
        {
            Assert.Equal(HttpStatusCode.OK, (await user.PostAsJsonAsync("/v1/chat/completions", Chat())).StatusCode);
        }

        using var revoked = await admin.DeleteAsync($"/admin/keys/{id}");
        Assert.True((await GatewayApplication.ReadJsonAsync(revoked)).GetProperty("revoked").GetBoolean());
        using (var user = Client(secret))
        {
            await ErrorAssert.OpenAiErrorAsync(await user.PostAsJsonAsync("/v1/chat/completions", Chat()), HttpStatusCode.Unauthorized, "Invalid API key");
        }

        await ErrorAssert.OpenAiErrorAsync(await admin.GetAsync("/admin/keys/key-nosuch"), HttpStatusCode.NotFound, "key-nosuch");
    }

    [Fact]
    public async Task AdminApi_InvalidSettings_Is400NamingTheField()
    {
        using var admin = Client();
        var error = await ErrorAssert.OpenAiErrorAsync(await admin.PostAsJsonAsync("/admin/keys", new { name = "x", budget_duration = "1week" }), HttpStatusCode.BadRequest, "budget_duration");
        Assert.Equal("budget_duration", error.GetProperty("param").GetString());
        await ErrorAssert.OpenAiErrorAsync(await admin.PostAsJsonAsync("/admin/keys", new { models = new[] { "fake" } }), HttpStatusCode.BadRequest, "name");
        await ErrorAssert.OpenAiErrorAsync(await admin.PostAsJsonAsync("/admin/keys", new { name = "x", models = new[] { "fake" } }), HttpStatusCode.BadRequest, "models[0]");
    }

    [Fact]
    public async Task VirtualKey_BothSurfacesAndBothHeaders_Work_AndCannotUseTheAdminApi()
    {
        var (_, secret) = await CreateKeyAsync(new { name = "both" });
        using (var bearer = Client(secret))
        {
            Assert.Equal(HttpStatusCode.OK, (await bearer.PostAsJsonAsync("/v1/chat/completions", Chat())).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await bearer.PostAsJsonAsync("/llm/generation", Generation())).StatusCode);
            var forbidden = await ErrorAssert.OpenAiErrorAsync(await bearer.GetAsync("/admin/keys"), HttpStatusCode.Forbidden, "admin key", "permission_error");
            Assert.Equal("permission_denied", forbidden.GetProperty("code").GetString());
        }

        using var header = Client(bearer: null, apiKey: secret);
        Assert.Equal(HttpStatusCode.OK, (await header.PostAsJsonAsync("/llm/generation", Generation())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await header.PostAsJsonAsync("/v1/chat/completions", Chat())).StatusCode);

        using var wrong = Client("sk-gw-not-a-key");
        await ErrorAssert.LlmErrorAsync(await wrong.PostAsJsonAsync("/llm/generation", Generation()), HttpStatusCode.Unauthorized, "Invalid API key");
    }

    [Fact]
    public async Task VirtualKey_ModelOutsideItsModels_Is403InEachSurfacesShape_AndTheProviderIsNotCalled()
    {
        var (_, secret) = await CreateKeyAsync(new { name = "narrow", models = new[] { "fake/fake-model" } });
        var before = fixture.Provider.TotalCount;
        using var client = Client(secret);
        var error = await ErrorAssert.OpenAiErrorAsync(await client.PostAsJsonAsync("/v1/chat/completions", Chat("fake/other-model")), HttpStatusCode.Forbidden, "fake/other-model");
        Assert.Equal("model_not_allowed", error.GetProperty("code").GetString());
        await ErrorAssert.LlmErrorAsync(await client.PostAsJsonAsync("/llm/generation", Generation("fake/other-model")), HttpStatusCode.Forbidden, "fake/other-model");
        Assert.Equal(before, fixture.Provider.TotalCount);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/v1/chat/completions", Chat())).StatusCode);
    }

    [Fact]
    public async Task VirtualKey_RpmLimitReached_Is429WithRetryAfter_AndTheProviderIsNotCalled()
    {
        var (_, secret) = await CreateKeyAsync(new { name = "slow", rpm_limit = 2 });
        using var client = Client(secret);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/v1/chat/completions", Chat())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/llm/generation", Generation())).StatusCode);
        var before = fixture.Provider.TotalCount;

        using var refused = await client.PostAsJsonAsync("/v1/chat/completions", Chat());
        var error = await ErrorAssert.OpenAiErrorAsync(refused, HttpStatusCode.TooManyRequests, "rpm_limit", "rate_limit_error");
        Assert.Equal("rate_limit_exceeded", error.GetProperty("code").GetString());
        Assert.True(refused.Headers.RetryAfter?.Delta is { } wait && wait > TimeSpan.Zero && wait <= TimeSpan.FromSeconds(61), $"Retry-After: {refused.Headers.RetryAfter} (at most the window plus an allowance's life)");
        using var llm = await client.PostAsJsonAsync("/llm/generation", Generation());
        await ErrorAssert.LlmErrorAsync(llm, HttpStatusCode.TooManyRequests, "rpm_limit");
        Assert.NotNull(llm.Headers.RetryAfter);
        Assert.Equal(before, fixture.Provider.TotalCount);
    }

    [Fact]
    public async Task VirtualKey_TpmLimit_ReservesInputEstimatePlusMaxTokens_AndSettlesToTheReportedUsage()
    {
        // "Say hello." is estimated at 10 input tokens (3 for the reply, 3 per message, its role and text) and
        // reported by the fake provider as 5 input and 3 output tokens: a request with max_tokens 40 reserves 50.
        var (_, secret) = await CreateKeyAsync(new { name = "tokens", tpm_limit = 55 });
        using var client = Client(secret);
        using (var tooLarge = await client.PostAsJsonAsync("/v1/chat/completions", Chat(maxTokens: 60)))
        {
            var error = await ErrorAssert.OpenAiErrorAsync(tooLarge, HttpStatusCode.TooManyRequests, "tpm_limit", "rate_limit_error");
            Assert.Equal("rate_limit_exceeded", error.GetProperty("code").GetString());
        }

        using (var first = await client.PostAsJsonAsync("/v1/chat/completions", Chat(maxTokens: 40)))
        {
            var body = await GatewayApplication.ReadJsonAsync(first);
            Assert.True(first.StatusCode == HttpStatusCode.OK, body.ToString());
            Assert.Equal(8, body.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        }

        var before = fixture.Provider.TotalCount;
        // The window holds the first request's 8 reported tokens: another 50 do not fit in 55 ...
        using (var refused = await client.PostAsJsonAsync("/v1/chat/completions", Chat(maxTokens: 40)))
        {
            var error = await ErrorAssert.OpenAiErrorAsync(refused, HttpStatusCode.TooManyRequests, "tpm_limit", "rate_limit_error");
            Assert.Equal("rate_limit_exceeded", error.GetProperty("code").GetString());
            Assert.True(refused.Headers.RetryAfter?.Delta is { } wait && wait > TimeSpan.Zero && wait <= TimeSpan.FromSeconds(61), $"Retry-After: {refused.Headers.RetryAfter}");
        }

        using (var llm = await client.PostAsJsonAsync("/llm/generation", new { model = "fake/fake-model", user_prompt = "Say hello.", max_tokens = 40 }))
        {
            await ErrorAssert.LlmErrorAsync(llm, HttpStatusCode.TooManyRequests, "tpm_limit");
            Assert.NotNull(llm.Headers.RetryAfter);
        }

        Assert.Equal(before, fixture.Provider.TotalCount);

        // ... but 20 do: had the first request kept its reservation of 50, this one would be refused too.
        using var small = await client.PostAsJsonAsync("/v1/chat/completions", Chat(maxTokens: 10));
        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
        Assert.Equal(before + 1, fixture.Provider.TotalCount);
    }

    [Fact]
    public async Task VirtualKey_Expired_IsRefusedOnBothSurfacesWithinASecondOfItsExpiry()
    {
        var expiresAt = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 3;
        var (_, secret) = await CreateKeyAsync(new { name = "expiring", expires_at = expiresAt });
        using var client = Client(secret);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/v1/chat/completions", Chat())).StatusCode);
        using var llmClient = Client(bearer: null, apiKey: secret);
        Assert.Equal(HttpStatusCode.OK, (await llmClient.PostAsJsonAsync("/llm/generation", Generation())).StatusCode);

        var expiry = DateTimeOffset.FromUnixTimeSeconds(expiresAt);
        HttpResponseMessage response;
        do
        {
            response = await client.PostAsJsonAsync("/v1/chat/completions", Chat());
            if (response.StatusCode == HttpStatusCode.OK)
            {
                response.Dispose();
                await Task.Delay(50);
            }
        }
        while (response.StatusCode == HttpStatusCode.OK && DateTimeOffset.UtcNow < expiry + TimeSpan.FromSeconds(5));

        var late = DateTimeOffset.UtcNow - expiry;
        using (response)
        {
            await ErrorAssert.OpenAiErrorAsync(response, HttpStatusCode.Unauthorized);
        }

        Assert.True(late <= TimeSpan.FromSeconds(1), $"The key was accepted until {late.TotalMilliseconds:F0} ms after its expires_at");
        using var llm = await llmClient.PostAsJsonAsync("/llm/generation", Generation());
        await ErrorAssert.LlmErrorAsync(llm, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task VirtualKey_Budget_LargestCostMustFit_ConcurrentRequestsCannotOvershoot_AndUsageShowsTheSpend()
    {
        // 1 USD per token: a request's largest cost is its estimated input plus max_tokens, in USD.
        var (id, secret) = await CreateKeyAsync(new { name = "budget", max_budget = 40 });
        using var client = Client(secret);
        var tooLarge = await ErrorAssert.OpenAiErrorAsync(await client.PostAsJsonAsync("/v1/chat/completions", Chat(maxTokens: 100)), HttpStatusCode.TooManyRequests, "budget");
        Assert.Equal("insufficient_quota", tooLarge.GetProperty("code").GetString());

        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fixture.Provider.Behavior = request =>
        {
            release.Task.Wait(TimeSpan.FromSeconds(20));
            return FakeProviderServer.DefaultBehavior(request);
        };
        var first = client.PostAsJsonAsync("/v1/chat/completions", Chat(maxTokens: 20));
        await Eventually.UntilAsync(() => fixture.Provider.InFlight > 0, "the first request to reach the provider", TimeSpan.FromSeconds(10));
        using (var second = await client.PostAsJsonAsync("/v1/chat/completions", Chat(maxTokens: 20)))
        {
            await ErrorAssert.OpenAiErrorAsync(second, HttpStatusCode.TooManyRequests, "budget");
        }

        release.SetResult();
        using (var answered = await first)
        {
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        }

        using var admin = Client();
        var usage = await GatewayApplication.ReadJsonAsync(await admin.GetAsync($"/admin/keys/{id}/usage"));
        var day = Assert.Single(usage.GetProperty("data").EnumerateArray());
        Assert.Equal("fake/fake-model", day.GetProperty("model").GetString());
        Assert.Equal(1, day.GetProperty("requests").GetInt64());
        var tokens = day.GetProperty("input_tokens").GetInt64() + day.GetProperty("output_tokens").GetInt64();
        Assert.Equal(tokens, day.GetProperty("spend").GetDecimal());
        Assert.True(day.GetProperty("priced").GetBoolean());
        var key = await GatewayApplication.ReadJsonAsync(await admin.GetAsync($"/admin/keys/{id}"));
        Assert.Equal(tokens, key.GetProperty("spend").GetDecimal());
        Assert.True(key.GetProperty("spend").GetDecimal() <= 40m);
        Assert.Equal(0, key.GetProperty("in_flight").GetInt32());
    }

    [Fact]
    public async Task VirtualKey_Stream_SettledWithTheStreamsUsage_AndTheParallelSlotComesBack()
    {
        var (id, secret) = await CreateKeyAsync(new { name = "streams", max_parallel_requests = 1 });
        using var client = Client(secret);
        using (var response = await KestrelGatewayFixture.PostStreamingAsync(client, "/v1/chat/completions",
            new { model = "fake/fake-model", max_tokens = 10, stream = true, messages = new[] { new { role = "user", content = "Say hello." } } }))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("[DONE]", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var admin = Client();
        await Eventually.UntilAsync(async () =>
        {
            var key = await GatewayApplication.ReadJsonAsync(await admin.GetAsync($"/admin/keys/{id}"));
            return key.GetProperty("in_flight").GetInt32() == 0;
        }, "the stream's reservation to end", TimeSpan.FromSeconds(5));
        var usage = await GatewayApplication.ReadJsonAsync(await admin.GetAsync($"/admin/keys/{id}/usage"));
        var day = Assert.Single(usage.GetProperty("data").EnumerateArray());
        Assert.Equal(1, day.GetProperty("requests").GetInt64());
        Assert.True(day.GetProperty("output_tokens").GetInt64() > 0, day.ToString());

        var own = await GatewayApplication.ReadJsonAsync(await client.GetAsync("/v1/usage"));
        Assert.Equal(id, own.GetProperty("key_id").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/v1/chat/completions", Chat())).StatusCode);
    }

    [Fact]
    public async Task VirtualKey_ProviderFailsOrClientLeaves_TheReservationIsReleased()
    {
        var (id, secret) = await CreateKeyAsync(new { name = "release", max_parallel_requests = 1, max_budget = 1000, budget_duration = "30d" });
        using var client = Client(secret);
        fixture.Provider.Behavior = request => request.LastUserMessage switch
        {
            "fail" => FakeReply.Error(400, "bad request"),
            "slow" => FakeProviderServer.DefaultBehavior(request) with { Delay = TimeSpan.FromSeconds(30) },
            _ => FakeProviderServer.DefaultBehavior(request),
        };

        static object Prompt(string text) => new { model = "fake/fake-model", max_tokens = 10, messages = new[] { new { role = "user", content = text } } };
        using (var failed = await client.PostAsJsonAsync("/v1/chat/completions", Prompt("fail")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, failed.StatusCode);
        }

        // The client leaves while the provider is still answering.
        using (var leave = new CancellationTokenSource())
        {
            var slow = client.PostAsJsonAsync("/v1/chat/completions", Prompt("slow"), leave.Token);
            await Eventually.UntilAsync(() => fixture.Provider.InFlight > 0, "the slow request to reach the provider", TimeSpan.FromSeconds(10));
            leave.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => slow);
        }

        // max_parallel_requests 1: the next request runs only if both reservations were released.
        await Eventually.UntilAsync(async () =>
        {
            using var next = await client.PostAsJsonAsync("/v1/chat/completions", Prompt("after"));
            return next.StatusCode == HttpStatusCode.OK;
        }, "a request after the failed and the abandoned one", TimeSpan.FromSeconds(10));

        using var admin = Client();
        JsonElement key = default;
        await Eventually.UntilAsync(async () => (key = await GatewayApplication.ReadJsonAsync(await admin.GetAsync($"/admin/keys/{id}"))).GetProperty("in_flight").GetInt32() == 0,
            "no request in flight", TimeSpan.FromSeconds(5));
        var day = Assert.Single((await GatewayApplication.ReadJsonAsync(await admin.GetAsync($"/admin/keys/{id}/usage"))).GetProperty("data").EnumerateArray());
        Assert.Equal(1, day.GetProperty("requests").GetInt64());
        Assert.Equal(day.GetProperty("spend").GetDecimal(), key.GetProperty("spend").GetDecimal());
    }
}
