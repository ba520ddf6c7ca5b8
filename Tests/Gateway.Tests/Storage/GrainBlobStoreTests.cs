using Orleans.Hosting;
using Orleans.TestingHost;

namespace OrleansGateway.Tests.Storage;

/// <summary>The blob store of a cluster without blob storage: blobs as grains, written through one silo's client and read through another's.</summary>
public sealed class GrainBlobStoreTests : IAsyncLifetime
{
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) => silo.AddMemoryGrainStorage(GrainBlobStore.StorageName));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public Task GrainBlobs_FollowTheContract() =>
        BlobStoreContract.RunAsync(new GrainBlobStore(_cluster.Client), "batch/job-1");

    [Fact]
    public async Task GrainBlobs_WrittenThroughOneSilo_AreReadThroughAnother()
    {
        var first = new GrainBlobStore(_cluster.Silos[0].ServiceProvider.GetRequiredService<IGrainFactory>());
        var second = new GrainBlobStore(_cluster.Silos[1].ServiceProvider.GetRequiredService<IGrainFactory>());
        await first.WriteBytesAsync("files/file-1", "shared"u8.ToArray());
        Assert.Equal("shared"u8.ToArray(), await second.ReadBytesAsync("files/file-1"));
    }
}
