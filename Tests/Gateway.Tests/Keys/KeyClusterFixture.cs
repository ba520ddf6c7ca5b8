using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;
using OrleansGateway.Tests.Batch;
using OrleansGateway.Tests.Infrastructure;

namespace OrleansGateway.Tests.Keys;

/// <summary>One silo in process with a fake clock and grain storage that outlives activations, for the key grains.</summary>
public sealed class KeyClusterFixture : IAsyncLifetime
{
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public SharedGrainStore Store { get; } = new();

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Logging.SetMinimumLevel(LogLevel.Warning);
            host.Services.AddGatewayFakeTime(Time);
        });
        builder.ConfigureSilo((_, silo) =>
            silo.Services.AddGrainStorage(GatewayStorage.Name, (services, _) => new SharedGrainStorage(Store, services.GetRequiredService<IGrainStorageSerializer>())));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
