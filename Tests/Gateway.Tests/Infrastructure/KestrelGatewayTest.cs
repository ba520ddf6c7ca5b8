namespace OrleansGateway.Tests.Infrastructure;

/// <summary>
/// The base of a test class that shares one <see cref="KestrelGatewayFixture"/> among its tests, started with
/// <paramref name="settings"/> (the same dictionary for every test) before the first.
/// </summary>
public abstract class KestrelGatewayTest(KestrelGatewayFixture fixture, IReadOnlyDictionary<string, string?> settings)
    : IClassFixture<KestrelGatewayFixture>, IAsyncLifetime
{
    protected KestrelGatewayFixture Fixture => fixture;

    public virtual Task InitializeAsync() => fixture.StartAsync(settings);

    public virtual Task DisposeAsync() => Task.CompletedTask;
}
