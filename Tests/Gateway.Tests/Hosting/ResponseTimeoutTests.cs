using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace OrleansGateway.Tests.Hosting;

/// <summary>A provider call may outlast Orleans' default 30 s response timeout.</summary>
public sealed class ResponseTimeoutTests : FakeProviderTest
{
    [Fact]
    public async Task EmbeddedSilo_Default_WaitsTenMinutesForGrainCalls()
    {
        await using var app = new GatewayApplication(Provider);
        var options = app.Services.GetRequiredService<IOptions<SiloMessagingOptions>>().Value;
        Assert.Equal(TimeSpan.FromMinutes(10), options.ResponseTimeout);
    }

    [Fact]
    public async Task ChatCompletion_LongerThanSiloResponseTimeout_StillAnswers()
    {
        // The silo-wide timeout is 1 s here; the chat grain's own (30 min) lets a 2 s provider call finish.
        await using var app = new GatewayApplication(Provider, new Dictionary<string, string?> { ["Gateway:Hosting:SiloResponseTimeoutSeconds"] = "1" });
        Provider.Behavior = request => FakeProviderServer.DefaultBehavior(request) with { Delay = TimeSpan.FromSeconds(2) };
        var response = await app.PostAsync("/v1/chat/completions", new { model = "fake/fake-model", messages = new[] { new { role = "user", content = "slow" } } });
        var body = await GatewayApplication.ReadJsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        Assert.Equal("echo: slow", body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
    }
}
