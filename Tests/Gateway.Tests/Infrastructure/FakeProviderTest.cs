namespace OrleansGateway.Tests.Infrastructure;

/// <summary>
/// The base of a test class whose every test has its own <see cref="FakeProviderServer"/> on loopback,
/// started before the test and stopped after it.
/// </summary>
public abstract class FakeProviderTest : IAsyncLifetime
{
    protected FakeProviderServer Provider { get; private set; } = null!;

    public virtual async Task InitializeAsync() => Provider = await FakeProviderServer.StartAsync();

    public virtual async Task DisposeAsync() => await Provider.DisposeAsync();
}
