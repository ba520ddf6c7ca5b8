namespace OrleansGateway.Tests.OpenAi.Chat;

public sealed class ChatCompletionsApiTests(GatewayFixture fixture) : GatewayFixtureTest(fixture)
{
    private static object Chat(string model = "fake/fake-model", string content = "hello") =>
        new { model, messages = new object[] { new { role = "system", content = "sys" }, new { role = "user", content } } };

    [Fact]
    public async Task ChatCompletions_Valid_ReturnsOpenAiChatCompletion()
    {
        var response = await App.PostAsync("/v1/chat/completions", new
        {
            model = "fake/fake-model",
            messages = new object[]
            {
                new { role = "system", content = "Be brief." },
                new { role = "user", content = "Hi" },
                new { role = "assistant", content = "Hello!" },
                new { role = "user", content = new object[] { new { type = "text", text = "Second " }, new { type = "text", text = "question" } } },
            },
            max_tokens = 64,
            temperature = 1.5,
            top_p = 0.9,
            stop = new[] { "END" },
            seed = 7,
            user = "u-1",
            metadata = new { team = "search" },
        });
        var body = await GatewayApplication.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        Assert.StartsWith("chatcmpl-", body.GetProperty("id").GetString());
        Assert.Equal("chat.completion", body.GetProperty("object").GetString());
        Assert.Equal("fake/fake-model", body.GetProperty("model").GetString());
        Assert.True(body.GetProperty("created").GetInt64() > 1_700_000_000);
        var choice = Assert.Single(body.GetProperty("choices").EnumerateArray());
        Assert.Equal(0, choice.GetProperty("index").GetInt32());
        Assert.Equal("assistant", choice.GetProperty("message").GetProperty("role").GetString());
        Assert.Equal("echo: Second question", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        Assert.True(body.GetProperty("usage").GetProperty("total_tokens").GetInt32() > 0);

        var sent = Assert.Single(Fixture.Provider.Requests);
        Assert.Equal("fake-model", sent.Model);
        Assert.Equal(4, sent.Messages.Count);
        using var json = sent.Json();
        var root = json.RootElement;
        Assert.Equal(64, root.GetProperty("max_completion_tokens").GetInt32());
        Assert.Equal(1.5, root.GetProperty("temperature").GetDouble(), 3);
        Assert.Equal(0.9, root.GetProperty("top_p").GetDouble(), 3);
        Assert.Equal("END", root.GetProperty("stop")[0].GetString());
        Assert.Equal(7, root.GetProperty("seed").GetInt64());
        Assert.Equal("u-1", root.GetProperty("user").GetString());
    }

    [Fact]
    public async Task ChatCompletions_MaxCompletionTokensAndJsonSchema_AreForwarded()
    {
        var response = await App.PostAsync("/v1/chat/completions", new
        {
            model = "fake/fake-model",
            messages = new[] { new { role = "user", content = "json please" } },
            max_completion_tokens = 12,
            response_format = new { type = "json_schema", json_schema = new { name = "answer", strict = true, schema = new { type = "object", properties = new { a = new { type = "string" } } } } },
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = Assert.Single(Fixture.Provider.Requests).Json();
        Assert.Equal(12, json.RootElement.GetProperty("max_completion_tokens").GetInt32());
        var format = json.RootElement.GetProperty("response_format");
        Assert.Equal("json_schema", format.GetProperty("type").GetString());
        Assert.Equal("answer", format.GetProperty("json_schema").GetProperty("name").GetString());
        Assert.Equal("object", format.GetProperty("json_schema").GetProperty("schema").GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}]}""", "model")]
    [InlineData("""{"model":"fake/fake-model"}""", "messages")]
    [InlineData("""{"model":"fake/fake-model","messages":[]}""", "messages")]
    [InlineData("""{"model":"fake/fake-model","messages":"hi"}""", "messages")]
    [InlineData("""{"model":"fake/fake-model","messages":[{"role":"wizard","content":"hi"}]}""", "messages[0].role")]
    [InlineData("""{"model":"fake/fake-model","messages":[{"role":"user","content":5}]}""", "messages[0].content")]
    [InlineData("""{"model":"fake/fake-model","messages":[{"role":"user","content":"hi"}],"temperature":2.5}""", "temperature")]
    [InlineData("""{"model":"fake/fake-model","messages":[{"role":"user","content":"hi"}],"top_p":1.5}""", "top_p")]
    [InlineData("""{"model":"fake/fake-model","messages":[{"role":"user","content":"hi"}],"max_tokens":0}""", "max_tokens")]
    [InlineData("""{"model":"fake/fake-model","messages":[5]}""", "messages[0]")]
    [InlineData("""{"model":"fake/fake-model","messages":[{"content":"hi"}]}""", "messages[0].role")]
    [InlineData("""{"model":"fake/fake-model","messages":[{"role":"user","content":[{"text":"no type"}]}]}""", "messages[0].content")]
    [InlineData("""{"model":"fake/fake-model","messages":[{"role":"user","content":"hi"}],"stop":[1]}""", "stop")]
    [InlineData("""{"model":"fake/fake-model","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"yaml"}}""", "response_format")]
    [InlineData("""{"model":"fake/fake-model","messages":[{"role":"user","content":"hi"}],"metadata":{"a":1}}""", "metadata")]
    [InlineData("""{"model":"fake/fake-model","messages":[{"role":"user","content":"hi"}],"temperature":"warm"}""", "temperature")]
    [InlineData("""{"model":"fake-model","messages":[{"role":"user","content":"hi"}]}""", "provider/model_name")]
    [InlineData("""not json""", "not valid JSON")]
    public async Task ChatCompletions_InvalidBody_Returns400InOpenAiShape(string json, string expected)
    {
        var response = await App.PostJsonAsync("/v1/chat/completions", json);
        await ErrorAssert.OpenAiErrorAsync(response, HttpStatusCode.BadRequest, expected, "invalid_request_error");
        Assert.Empty(Fixture.Provider.Requests);
    }

    [Fact]
    public async Task ChatCompletions_UnknownProvider_Returns404ModelNotFound()
    {
        var response = await App.PostAsync("/v1/chat/completions", Chat("nosuch/model"));
        var error = await ErrorAssert.OpenAiErrorAsync(response, HttpStatusCode.NotFound, "nosuch");
        Assert.Equal("model_not_found", error.GetProperty("code").GetString());
        Assert.Equal("model", error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task ChatCompletions_ProviderBadRequest_PassesStatusAndMessageWithoutRetry()
    {
        Fixture.Provider.Behavior = _ => FakeReply.Error(400, "context too long");
        var response = await App.PostAsync("/v1/chat/completions", Chat());
        await ErrorAssert.OpenAiErrorAsync(response, HttpStatusCode.BadRequest, "context too long");
        Assert.Single(Fixture.Provider.Requests);
    }

    [Fact]
    public async Task ChatCompletions_ProviderServerErrorAfterRetries_Returns502()
    {
        Fixture.Provider.Behavior = _ => FakeReply.Error(500, "boom");
        var response = await App.PostAsync("/v1/chat/completions", Chat());
        var error = await ErrorAssert.OpenAiErrorAsync(response, HttpStatusCode.BadGateway, "boom");
        Assert.Contains("fake", error.GetProperty("message").GetString());
        Assert.Equal(3, Fixture.Provider.Requests.Count); // the first attempt and MaxRetries=2
    }

    [Fact]
    public async Task ChatCompletions_ProviderRateLimitedAfterRetries_Returns429WithRetryAfter()
    {
        Fixture.Provider.Behavior = _ => FakeReply.Error(429, "slow down") with { Headers = new Dictionary<string, string> { ["Retry-After"] = "0" } };
        var response = await App.PostAsync("/v1/chat/completions", Chat());
        var error = await ErrorAssert.OpenAiErrorAsync(response, HttpStatusCode.TooManyRequests, "slow down", "rate_limit_error");
        Assert.Equal("rate_limit_exceeded", error.GetProperty("code").GetString());
        Assert.True(response.Headers.Contains("Retry-After"), "429 must carry Retry-After");
        Assert.Equal(3, Fixture.Provider.Requests.Count);
    }

    [Fact]
    public async Task ChatCompletions_ProviderRecoversOnRetry_Succeeds()
    {
        var calls = 0;
        Fixture.Provider.Behavior = request => Interlocked.Increment(ref calls) == 1 ? FakeReply.Error(503, "warming up") : FakeProviderServer.DefaultBehavior(request);
        var response = await App.PostAsync("/v1/chat/completions", Chat(content: "again"));
        var body = await GatewayApplication.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        Assert.Equal("echo: again", body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task ChatCompletions_ProviderTooSlow_Returns504()
    {
        Fixture.Provider.Behavior = request => FakeProviderServer.DefaultBehavior(request) with { Delay = TimeSpan.FromSeconds(5) };
        var response = await App.PostAsync("/v1/chat/completions", Chat("slow/m"));
        await ErrorAssert.OpenAiErrorAsync(response, HttpStatusCode.GatewayTimeout, "1 s");
    }

    [Fact]
    public async Task ChatCompletions_ProviderUnreachable_Returns502()
    {
        var response = await App.PostAsync("/v1/chat/completions", Chat("dead/m"));
        await ErrorAssert.OpenAiErrorAsync(response, HttpStatusCode.BadGateway, "could not be reached");
    }

    [Fact]
    public async Task ChatCompletions_ProviderWithoutKey_Returns400NamingSetting()
    {
        var response = await App.PostAsync("/v1/chat/completions", Chat("nokey/m"));
        var error = await ErrorAssert.OpenAiErrorAsync(response, HttpStatusCode.BadRequest, "NOKEY_API_KEY");
        Assert.Equal("provider_not_configured", error.GetProperty("code").GetString());
        Assert.Empty(Fixture.Provider.Requests);
    }

    [Fact]
    public async Task ChatCompletions_Fallbacks_AnsweredByFirstWorkingModel()
    {
        var response = await App.PostAsync("/v1/chat/completions", new
        {
            model = "dead/m",
            messages = new[] { new { role = "user", content = "fall" } },
            fallbacks = new[] { "nokey/m", "legacy/old-model" },
        });
        var body = await GatewayApplication.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        Assert.Equal("legacy/old-model", body.GetProperty("model").GetString());
        Assert.Equal("old-model", Assert.Single(Fixture.Provider.Requests).Model);
    }

    [Fact]
    public async Task ChatCompletions_MalformedProviderBody_Returns502()
    {
        Fixture.Provider.Behavior = _ => new FakeReply { RawBody = "{\"choices\": 5}" };
        var response = await App.PostAsync("/v1/chat/completions", Chat());
        await ErrorAssert.OpenAiErrorAsync(response, HttpStatusCode.BadGateway, "fake");
    }

    [Fact]
    public async Task Models_Get_ListsProviderPrefixedIdsInBothShapes()
    {
        var response = await App.CreateClient().GetAsync("/v1/models");
        var body = await GatewayApplication.ReadJsonAsync(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("list", body.GetProperty("object").GetString());
        var ids = body.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
        Assert.Contains("fake/fake-model", ids);
        Assert.Contains("legacy/old-model", ids);
        Assert.Contains("openai/gpt-4o", ids);
        Assert.All(body.GetProperty("data").EnumerateArray(), m =>
        {
            Assert.Equal("model", m.GetProperty("object").GetString());
            Assert.Equal(m.GetProperty("id").GetString()!.Split('/')[0], m.GetProperty("owned_by").GetString());
        });
        Assert.Equal(ids, body.GetProperty("models").EnumerateArray().Select(m => m.GetString()).ToList());
    }

    [Fact]
    public async Task Providers_Get_ReportsLimitsFromGrains()
    {
        await App.PostAsync("/v1/chat/completions", Chat());
        var client = App.CreateClient();
        async Task<JsonElement> FakeAsync()
        {
            var response = await client.GetAsync("/v1/providers");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await GatewayApplication.ReadJsonAsync(response);
            return body.GetProperty("data").EnumerateArray().Single(p => p.GetProperty("provider").GetString() == "fake");
        }

        var fake = await FakeAsync();
        Assert.Equal(8, fake.GetProperty("max_concurrency").GetInt32());
        Assert.Equal(0, fake.GetProperty("queued").GetProperty("interactive").GetInt32());
        Assert.Equal(0, fake.GetProperty("queued").GetProperty("batch").GetInt32());
        Assert.Equal("closed", fake.GetProperty("circuit").GetString());
        // A call on a slot this process kept for reuse is counted at the grain's next check-in (every 50 ms by default).
        await Eventually.UntilAsync(async () => (await FakeAsync()).GetProperty("recent").GetProperty("successes").GetInt32() >= 1,
            "the grain counts the success", TimeSpan.FromSeconds(5));
    }
}
