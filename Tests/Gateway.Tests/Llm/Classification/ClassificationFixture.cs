namespace OrleansGateway.Tests.Llm.Classification;

/// <summary>
/// A gateway whose provider <c>fake</c> supports JSON schemas and whose provider <c>plain</c>
/// (the same fake server) does not.
/// </summary>
public sealed class ClassificationFixture : IAsyncLifetime
{
    public FakeProviderServer Provider { get; private set; } = null!;

    public GatewayApplication Gateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Provider = await FakeProviderServer.StartAsync();
        Gateway = new GatewayApplication(Provider, new Dictionary<string, string?>
        {
            ["Gateway:Providers:fake:SupportsJsonSchema"] = "true",
            ["Gateway:Providers:plain:BaseUrl"] = Provider.BaseUrl,
            ["Gateway:Providers:plain:ApiKey"] = "plain-key",
            ["Gateway:Providers:plain:SupportsJsonSchema"] = "false",
            ["Gateway:Providers:plain:RetryBaseDelayMilliseconds"] = "1",
        });
        _ = Gateway.Server;
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Provider.DisposeAsync();
    }
}
