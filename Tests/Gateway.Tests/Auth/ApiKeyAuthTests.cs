namespace OrleansGateway.Tests.Auth;

public sealed class ApiKeyAuthTests() : GatewayAppTest(new Dictionary<string, string?>
{
    ["SECRET_TOKEN"] = "s3cret",
    ["API_KEYS"] = "team-a, team-b",
})
{

    private async Task<HttpResponseMessage> GetAsync(string path, string? apiKey = null, string? bearer = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (apiKey is not null)
        {
            request.Headers.Add("X-API-Key", apiKey);
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return await App.CreateClient().SendAsync(request);
    }

    [Theory]
    [InlineData("/v1/models")]
    [InlineData("/v1/providers")]
    public async Task OpenAiSurface_NoKey_Returns401InOpenAiShape(string path)
    {
        var response = await GetAsync(path);
        await ErrorAssert.OpenAiErrorAsync(response, HttpStatusCode.Unauthorized, "Missing API key");
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/llm/providers")]
    public async Task LlmSurface_NoKey_Returns401InDocumentedShape(string path)
    {
        var response = await GetAsync(path);
        await ErrorAssert.LlmErrorAsync(response, HttpStatusCode.Unauthorized, "Missing API key");
    }

    [Theory]
    [InlineData("/v1/models", "s3cret", null)]
    [InlineData("/v1/models", null, "s3cret")]
    [InlineData("/llm/providers", "s3cret", null)]
    [InlineData("/llm/providers", null, "s3cret")]
    [InlineData("/", null, "team-a")]
    [InlineData("/v1/models", "team-b", null)]
    public async Task AnySurface_ValidKeyInEitherHeader_Returns200(string path, string? apiKey, string? bearer)
    {
        var response = await GetAsync(path, apiKey, bearer);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} with X-API-Key={apiKey} Bearer={bearer}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task LlmSurface_WrongKey_Returns401()
    {
        var response = await GetAsync("/llm/providers", apiKey: "s3cret-but-longer");
        await ErrorAssert.LlmErrorAsync(response, HttpStatusCode.Unauthorized, "Invalid API key");
    }

    [Fact]
    public async Task Generation_WrongKey_NeverReachesProvider()
    {
        var response = await App.PostAsync("/llm/generation", new { model = "fake/fake-model", user_prompt = "hi" }, r => r.Headers.Add("X-API-Key", "nope"));
        await ErrorAssert.LlmErrorAsync(response, HttpStatusCode.Unauthorized);
        Assert.Empty(Provider.Requests);
    }

    [Fact]
    public async Task Health_NoKey_Returns200()
    {
        var response = await GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
