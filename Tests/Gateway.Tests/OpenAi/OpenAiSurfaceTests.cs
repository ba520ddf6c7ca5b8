using System.ClientModel;
using OpenAI;
using OpenAI.Embeddings;
using OpenAI.Models;

namespace OrleansGateway.Tests.OpenAi;

/// <summary>
/// The rest of the OpenAI surface with the official .NET client on real Kestrel: embeddings (routed
/// by prefix, with retries and fallbacks), one model by id (slash as is or escaped), and OpenAI's
/// answer for a route the gateway does not have.
/// </summary>
public sealed class OpenAiSurfaceTests : GatewayAppTest
{
    private FakeProviderServer _backup = null!;
    private OpenAIClient _client = null!;

    public override async Task InitializeAsync()
    {
        _backup = await FakeProviderServer.StartAsync();
        await base.InitializeAsync();
        _client = OpenAiClient(Kestrel.BaseAddress!, "gateway-secret");
        Kestrel.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "gateway-secret");
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _backup.DisposeAsync();
    }

    protected override GatewayApplication CreateApp() => new(Provider, new Dictionary<string, string?>
    {
        ["SECRET_TOKEN"] = "gateway-secret",
        ["Gateway:Providers:fake:EmbeddingModels:0"] = "fake-embed",
        ["Gateway:Providers:backup:BaseUrl"] = _backup.BaseUrl,
        ["Gateway:Providers:backup:ApiKey"] = "backup-key",
        ["Gateway:Providers:backup:Models:0"] = "backup-model",
        ["Gateway:Providers:backup:EmbeddingModels:0"] = "backup-embed",
    });

    [Fact]
    public async Task GenerateEmbeddings_EmbeddingClient_GetsOneVectorPerInputFromTheProvider()
    {
        var client = _client.GetEmbeddingClient("fake/fake-embed");

        OpenAIEmbeddingCollection embeddings = await client.GenerateEmbeddingsAsync(["first text", "second"], new EmbeddingGenerationOptions { Dimensions = 4, EndUserId = "u-1" });

        Assert.Equal(2, embeddings.Count);
        Assert.Equal(FakeProviderServer.FakeEmbedding("first text", 4), embeddings[0].ToFloats().ToArray());
        Assert.Equal(FakeProviderServer.FakeEmbedding("second", 4), embeddings[1].ToFloats().ToArray());
        Assert.Equal(1, embeddings[1].Index);
        Assert.Equal("fake/fake-embed", embeddings.Model);
        Assert.Equal(3, embeddings.Usage.InputTokenCount);
        using var sent = Provider.Requests.Last().Json();
        Assert.Equal("fake-embed", sent.RootElement.GetProperty("model").GetString());
        Assert.Equal(4, sent.RootElement.GetProperty("dimensions").GetInt32());
        Assert.Equal("u-1", sent.RootElement.GetProperty("user").GetString());
        // The .NET client asks for base64 and decodes it: the bytes made it through unchanged.
        Assert.Equal("base64", sent.RootElement.GetProperty("encoding_format").GetString());
    }

    [Fact]
    public async Task Embeddings_ProviderFailsOnceThenAnswers_RetriedUnderTheLimit()
    {
        var calls = 0;
        Provider.Behavior = request => Interlocked.Increment(ref calls) == 1 ? FakeReply.Error(503, "busy") : FakeProviderServer.DefaultBehavior(request);

        var response = await Kestrel.PostAsync("/v1/embeddings", Json("""{"model":"fake/fake-embed","input":"hello world","encoding_format":"float"}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("list", body.RootElement.GetProperty("object").GetString());
        var data = Assert.Single(body.RootElement.GetProperty("data").EnumerateArray());
        Assert.Equal("embedding", data.GetProperty("object").GetString());
        Assert.Equal(8, data.GetProperty("embedding").GetArrayLength());
        Assert.Equal(2, Provider.Requests.Count);
    }

    [Fact]
    public async Task Embeddings_ProviderDown_FallsBackToTheNextModel()
    {
        Provider.Behavior = _ => FakeReply.Error(500, "down");

        var response = await Kestrel.PostAsync("/v1/embeddings", Json("""{"model":"fake/fake-embed","input":[[1,2,3]],"fallbacks":["backup/backup-embed"]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("backup/backup-embed", body.RootElement.GetProperty("model").GetString());
        using var sent = _backup.Requests.Single().Json();
        Assert.Equal("backup-embed", sent.RootElement.GetProperty("model").GetString());
        Assert.False(sent.RootElement.TryGetProperty("fallbacks", out _), "the gateway's own field must not reach the provider");
    }

    [Theory]
    [InlineData("""{"input":"hi"}""", "model")]
    [InlineData("""{"model":"fake/fake-embed"}""", "input")]
    [InlineData("""{"model":"fake/fake-embed","input":[]}""", "input")]
    [InlineData("""{"model":"fake/fake-embed","input":[1,"a"]}""", "input")]
    [InlineData("""{"model":"fake/fake-embed","input":"hi","encoding_format":"int8"}""", "encoding_format")]
    [InlineData("""{"model":"fake/fake-embed","input":"hi","dimensions":0}""", "dimensions")]
    public async Task Embeddings_InvalidBody_Returns400NamingTheField(string json, string param)
    {
        var response = await Kestrel.PostAsync("/v1/embeddings", Json(json));

        var error = await ErrorAssert.OpenAiErrorAsync(response, HttpStatusCode.BadRequest, param, "invalid_request_error");
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Empty(Provider.Requests);
    }

    [Fact]
    public async Task GetModel_OfficialClientWithSlashInId_ReturnsTheModel()
    {
        OpenAIModel model = await _client.GetOpenAIModelClient().GetModelAsync("fake/fake-model");

        Assert.Equal("fake/fake-model", model.Id);
        Assert.Equal("fake", model.OwnedBy);
    }

    [Theory]
    [InlineData("/v1/models/fake/fake-embed", "fake/fake-embed")]
    [InlineData("/v1/models/fake%2Ffake-model", "fake/fake-model")]
    [InlineData("/v1/models/backup%2fbackup-model", "backup/backup-model")]
    public async Task GetModel_SlashAsIsOrEscaped_ReturnsTheModel(string path, string id)
    {
        var response = await Kestrel.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(id, body.RootElement.GetProperty("id").GetString());
        Assert.Equal("model", body.RootElement.GetProperty("object").GetString());
    }

    [Fact]
    public async Task GetModel_Unknown_Returns404ModelNotFound()
    {
        var exception = await Assert.ThrowsAsync<ClientResultException>(() => _client.GetOpenAIModelClient().GetModelAsync("fake/nosuch"));

        Assert.Equal(404, exception.Status);
        Assert.Contains("fake/nosuch", exception.Message);
        Assert.Contains("model_not_found", exception.Message);
    }

    [Fact]
    public async Task GetModels_EmbeddingModelsConfigured_AreListed()
    {
        var models = await _client.GetOpenAIModelClient().GetModelsAsync();

        Assert.Contains(models.Value, m => m.Id == "fake/fake-embed");
        Assert.Contains(models.Value, m => m.Id == "backup/backup-embed");
        Assert.Contains(models.Value, m => m.Id == "fake/fake-model");
    }

    [Fact]
    public async Task UnknownV1Route_Returns404WithOpenAiWording()
    {
        var response = await Kestrel.PostAsync("/v1/foo", Json("{}"));

        var error = await ErrorAssert.OpenAiErrorAsync(response, HttpStatusCode.NotFound, "Invalid URL (POST /v1/foo)", "invalid_request_error");
        Assert.Equal(JsonValueKind.Null, error.GetProperty("code").ValueKind);
    }

    private static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
