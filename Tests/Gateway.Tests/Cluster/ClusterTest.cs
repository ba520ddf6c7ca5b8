namespace OrleansGateway.Tests.Cluster;

/// <summary>
/// The base of a test class in <see cref="ClusterCollection"/>: every test starts on a healthy cluster
/// (<see cref="ClusterFixture.EnsureHealthyAsync"/>, which restarts what an earlier test stopped or killed) and ends
/// with the fake provider's default behaviour back.
/// </summary>
public abstract class ClusterTest(ClusterFixture cluster) : IAsyncLifetime
{
    protected ClusterFixture Cluster => cluster;

    public virtual Task InitializeAsync() => cluster.EnsureHealthyAsync();

    public virtual Task DisposeAsync()
    {
        cluster.Provider.Behavior = FakeProviderServer.DefaultBehavior;
        return Task.CompletedTask;
    }
}
