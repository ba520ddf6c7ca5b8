namespace OrleansGateway.Tests.Infrastructure;

/// <summary>
/// One fake provider and one embedded gateway in front of it, shared by the tests of a class: the provider starts
/// first, then the gateway with the subclass's settings; both stop at the end, the gateway first.
/// </summary>
public abstract class EmbeddedGatewayFixture : IAsyncLifetime
{
    public FakeProviderServer Provider { get; private set; } = null!;

    public GatewayApplication App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Provider = await FakeProviderServer.StartAsync();
        App = new GatewayApplication(Provider, Settings(Provider));
        _ = App.Server;
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Provider.DisposeAsync();
    }

    /// <summary>The gateway's settings over the defaults; called once the provider runs, before the gateway starts (a subclass may set the provider's behaviour here).</summary>
    protected abstract Dictionary<string, string?> Settings(FakeProviderServer provider);
}
