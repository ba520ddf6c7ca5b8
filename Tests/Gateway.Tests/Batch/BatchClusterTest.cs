using Orleans.TestingHost;

namespace OrleansGateway.Tests.Batch;

/// <summary>
/// The base of a test class whose every test runs on a cluster of its own (<see cref="BatchTestCluster"/>): a fake
/// provider and the cluster, as the class starts it (<see cref="StartClusterAsync"/>), start before each test and stop after it.
/// </summary>
public abstract class BatchClusterTest : IAsyncLifetime
{
    protected FakeProviderServer Provider { get; private set; } = null!;

    protected InProcessTestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Provider = await FakeProviderServer.StartAsync();
        Cluster = await StartClusterAsync(Provider);
    }

    public virtual async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        await Provider.DisposeAsync();
    }

    /// <summary>Starts the test's cluster against <paramref name="provider"/> (its settings, blob store and silo set-up).</summary>
    protected abstract Task<InProcessTestCluster> StartClusterAsync(FakeProviderServer provider);
}
