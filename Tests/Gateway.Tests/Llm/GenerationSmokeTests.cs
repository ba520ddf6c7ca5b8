using System.Net;
using OrleansGateway.FakeProvider;
using OrleansGateway.Tests.Infrastructure;

namespace OrleansGateway.Tests.Llm;

public sealed class GenerationSmokeTests : IAsyncLifetime
{
    private FakeProviderServer _provider = null!;
    private GatewayApplication _app = null!;

    public async Task InitializeAsync()
    {
        _provider = await FakeProviderServer.StartAsync();
        _app = new GatewayApplication(_provider);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _provider.DisposeAsync();
    }

    [Fact]
    public async Task Generation_FakeProvider_ReturnsEchoAndUsage()
    {
        var response = await _app.PostAsync("/llm/generation", new { model = "fake/fake-model", prompt = "Be brief.", user_prompt = "What is the capital of France?" });
        var body = await GatewayApplication.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        Assert.Equal("success", body.GetProperty("status").GetString());
        Assert.Equal("echo: What is the capital of France?", body.GetProperty("content").GetString());
        Assert.True(body.GetProperty("usage").GetProperty("total_tokens").GetInt32() > 0);
    }
}
