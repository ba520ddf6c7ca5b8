using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.TestingHost;
using OrleansGateway.Batch;
using OrleansGateway.FakeProvider;
using OrleansGateway.Hosting;
using OrleansGateway.Storage;

namespace OrleansGateway.Tests.Batch;

/// <summary>
/// A one-silo Orleans in-process test cluster for the batch grains: memory grain storage and reminders, the test's
/// blob store, the provider <c>fake</c> at a <see cref="FakeProviderServer"/> on loopback (1 ms retry delays), and the
/// test's settings on top.
/// </summary>
public static class BatchTestCluster
{
    /// <summary>Builds and deploys the cluster.</summary>
    public static async Task<InProcessTestCluster> StartAsync(FakeProviderServer provider, IBlobStore blobs, IDictionary<string, string?> settings)
    {
        var all = new Dictionary<string, string?>
        {
            ["Gateway:Providers:fake:BaseUrl"] = provider.BaseUrl,
            ["Gateway:Providers:fake:ApiKey"] = "fake-key",
            ["Gateway:Providers:fake:RetryBaseDelayMilliseconds"] = "1",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration.AddInMemoryCollection(all);
            host.Logging.SetMinimumLevel(LogLevel.Warning);
            host.Services.AddGatewayCore();
            host.Services.AddGatewayBatch();
            host.Services.AddSingleton(blobs);
        });
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(GatewayStorage.Name);
            silo.UseInMemoryReminderService();
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
