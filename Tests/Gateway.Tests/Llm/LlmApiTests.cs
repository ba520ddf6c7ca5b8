namespace OrleansGateway.Tests.Llm;

public sealed class LlmApiTests(GatewayFixture fixture) : GatewayFixtureTest(fixture)
{
    [Fact]
    public async Task Root_Get_ListsProvidersUpperCase()
    {
        var response = await App.CreateClient().GetAsync("/");
        var body = await GatewayApplication.ReadJsonAsync(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("success", body.GetProperty("status").GetString());
        Assert.Equal("up", body.GetProperty("api_status").GetString());
        var providers = body.GetProperty("providers").EnumerateArray().Select(p => p.GetString()).ToList();
        Assert.Contains("OPENAI", providers);
        Assert.Contains("GROQ", providers);
        Assert.Contains("GOOGLE", providers);
        Assert.Contains("LOCAL", providers);
        Assert.Contains("FAKE", providers);
    }

    [Fact]
    public async Task Providers_Get_ListsProvidersLowerCase()
    {
        var response = await App.CreateClient().GetAsync("/llm/providers");
        var body = await GatewayApplication.ReadJsonAsync(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("success", body.GetProperty("status").GetString());
        var providers = body.GetProperty("providers").EnumerateArray().Select(p => p.GetString()).ToList();
        Assert.Equal(["openai", "groq", "google", "local"], providers.Where(p => p is "openai" or "groq" or "google" or "local"));
        Assert.Contains("fake", providers);
    }

    [Fact]
    public async Task Generation_ValidRequest_RoutesByProviderPrefixAndReturnsContent()
    {
        var response = await App.PostAsync("/llm/generation", new
        {
            model = "fake/fake-model",
            prompt = "You are a helpful assistant.",
            user_prompt = "What is the capital of France?",
            temperature = 0.7,
            max_tokens = 150,
        });
        var body = await GatewayApplication.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        Assert.Equal("success", body.GetProperty("status").GetString());
        Assert.Equal("echo: What is the capital of France?", body.GetProperty("content").GetString());
        var usage = body.GetProperty("usage");
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt32() + usage.GetProperty("completion_tokens").GetInt32(), usage.GetProperty("total_tokens").GetInt32());
        Assert.True(usage.GetProperty("completion_tokens").GetInt32() > 0);

        var sent = Assert.Single(Fixture.Provider.Requests);
        Assert.Equal("fake-model", sent.Model);
        Assert.Equal([("system", "You are a helpful assistant."), ("user", "What is the capital of France?")], sent.Messages);
        using var json = sent.Json();
        Assert.Equal(0.7, json.RootElement.GetProperty("temperature").GetDouble(), 3);
        Assert.Equal(150, json.RootElement.GetProperty("max_completion_tokens").GetInt32());
        Assert.Equal("Bearer fake-key", sent.Authorization);
        Assert.Null(sent.AcceptEncoding); // answers are not compressed: small, and a compressed stream can hold tokens back
    }

    [Fact]
    public async Task Generation_NoOptionalFields_UsesDocumentedDefaults()
    {
        var response = await App.PostAsync("/llm/generation", new { model = "fake/fake-model", user_prompt = "hi" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = Assert.Single(Fixture.Provider.Requests);
        Assert.Equal([("user", "hi")], sent.Messages);
        using var json = sent.Json();
        Assert.Equal(0.2, json.RootElement.GetProperty("temperature").GetDouble(), 3);
        Assert.Equal(4096, json.RootElement.GetProperty("max_completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Generation_ProviderWithMaxTokensField_SendsMaxTokens()
    {
        var response = await App.PostAsync("/llm/generation", new { model = "legacy/old-model", user_prompt = "hi", max_tokens = 77 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = Assert.Single(Fixture.Provider.Requests);
        using var json = sent.Json();
        Assert.Equal(77, json.RootElement.GetProperty("max_tokens").GetInt32());
        Assert.False(json.RootElement.TryGetProperty("max_completion_tokens", out _), "max_completion_tokens must not be sent when MaxTokensField is max_tokens");
    }

    [Theory]
    [InlineData("""{"user_prompt":"hi"}""", "model")]
    [InlineData("""{"model":"gpt-4o","user_prompt":"hi"}""", "provider/model_name")]
    [InlineData("""{"model":"nosuch/model","user_prompt":"hi"}""", "Unknown provider 'nosuch'")]
    [InlineData("""{"model":"fake/fake-model","user_prompt":"hi","temperature":1.5}""", "temperature")]
    [InlineData("""{"model":"fake/fake-model","user_prompt":"hi","temperature":-0.1}""", "temperature")]
    [InlineData("""{"model":"fake/fake-model","user_prompt":"hi","max_tokens":0}""", "max_tokens")]
    [InlineData("""{"model":"fake/fake-model","user_prompt":"hi","max_tokens":32769}""", "max_tokens")]
    [InlineData("""{"model":"fake/fake-model","user_prompt":"hi","temperature":"hot"}""", "temperature")]
    [InlineData("""{"model":"fake/fake-model","user_prompt":"hi","max_tokens":12.5}""", "max_tokens")]
    [InlineData("""{"model":42,"user_prompt":"hi"}""", "model")]
    [InlineData("""{"model":"fake/fake-model"}""", "user_prompt")]
    [InlineData("""{"model":"fake/fake-model","user_prompt":"hi",""", "not valid JSON")]
    [InlineData("""[1,2,3]""", "JSON object")]
    [InlineData("""null""", "JSON object")]
    [InlineData("""{"model":"fake/fake-model","user_prompt":"hi","fallbacks":["nope"]}""", "fallbacks[0]")]
    public async Task Generation_InvalidBody_Returns400WithDocumentedError(string json, string expected)
    {
        var response = await App.PostJsonAsync("/llm/generation", json);
        await ErrorAssert.LlmErrorAsync(response, HttpStatusCode.BadRequest, expected);
        Assert.Empty(Fixture.Provider.Requests);
    }

    [Fact]
    public async Task Generation_EmptyBody_Returns400()
    {
        var response = await App.PostJsonAsync("/llm/generation", string.Empty);
        await ErrorAssert.LlmErrorAsync(response, HttpStatusCode.BadRequest, "empty");
    }

    [Fact]
    public async Task Generation_BodyOverLimit_Returns413()
    {
        var huge = new string('a', 5 * 1024 * 1024);
        var response = await App.PostAsync("/llm/generation", new { model = "fake/fake-model", user_prompt = huge });
        await ErrorAssert.LlmErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "limit");
        Assert.Empty(Fixture.Provider.Requests);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    [InlineData(400)]
    [InlineData(401)]
    public async Task Generation_ProviderError_Returns500NamingProvider(int status)
    {
        Fixture.Provider.Behavior = _ => FakeReply.Error(status, "upstream says no");
        var response = await App.PostAsync("/llm/generation", new { model = "fake/fake-model", user_prompt = "hi" });
        var message = await ErrorAssert.LlmErrorAsync(response, HttpStatusCode.InternalServerError, "fake");
        Assert.Contains("upstream says no", message);
        Assert.Contains(status.ToString(), message);
        Assert.DoesNotContain("fake-key", message);
    }

    [Fact]
    public async Task Generation_ProviderWithoutKey_Returns400WithoutCallingIt()
    {
        var response = await App.PostAsync("/llm/generation", new { model = "nokey/some-model", user_prompt = "hi" });
        await ErrorAssert.LlmErrorAsync(response, HttpStatusCode.BadRequest, "NOKEY_API_KEY");
        Assert.Empty(Fixture.Provider.Requests);
    }

    [Fact]
    public async Task Generation_FallbackAfterPrimaryFails_AnswersFromFallback()
    {
        var response = await App.PostAsync("/llm/generation", new { model = "dead/x", user_prompt = "hi", fallbacks = new[] { "fake/fake-model" } });
        var body = await GatewayApplication.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        Assert.Equal("echo: hi", body.GetProperty("content").GetString());
    }

    [Fact]
    public async Task UnknownRoute_Returns404InDocumentedShape()
    {
        var response = await App.CreateClient().GetAsync("/llm/nothing-here");
        await ErrorAssert.LlmErrorAsync(response, HttpStatusCode.NotFound, "/llm/nothing-here");
    }

    [Fact]
    public async Task Generation_WrongMethod_Returns405InDocumentedShape()
    {
        var response = await App.CreateClient().GetAsync("/llm/generation");
        await ErrorAssert.LlmErrorAsync(response, HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task Health_Get_ReportsSiloAndService()
    {
        var response = await App.CreateClient().GetAsync("/health");
        var body = await GatewayApplication.ReadJsonAsync(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.Equal("orleans-llm-gateway", body.GetProperty("service").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("version").GetString()));
        Assert.InRange(body.GetProperty("timestamp").GetInt64(), DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeSeconds());
        Assert.True(body.GetProperty("silo_responding").GetBoolean());
        Assert.Equal(1, body.GetProperty("silos").GetArrayLength());
        Assert.Equal("embedded", body.GetProperty("mode").GetString());
    }
}
