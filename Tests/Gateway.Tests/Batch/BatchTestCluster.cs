using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;
using OrleansGateway.Hosting;

namespace OrleansGateway.Tests.Batch;

/// <summary>
/// An Orleans in-process test cluster running the gateway's core and batch grains, with the provider
/// <c>fake</c> pointing at a <see cref="FakeProviderServer"/> (key <c>fake-key</c>, 10 s timeout, 1 ms retry base
/// delay, warnings only in the log: the test's settings add to these or override them) and the test's blob store;
/// the test's <c>configureSilo</c> adds grain storage and reminders.
/// </summary>
public static class BatchTestCluster
{
    /// <summary>One silo with memory grain storage and reminders.</summary>
    public static Task<InProcessTestCluster> StartAsync(FakeProviderServer provider, IBlobStore blobs, IDictionary<string, string?> settings) =>
        StartAsync(1, provider, settings, blobs, static silo =>
        {
            silo.AddMemoryGrainStorage(GatewayStorage.Name);
            silo.UseInMemoryReminderService();
        });

    /// <summary>Reminders kept in <paramref name="reminders"/>, in the test process, so they outlive a killed silo.</summary>
    public static ISiloBuilder UseSharedReminders(this ISiloBuilder silo, SharedReminderTable reminders)
    {
        silo.AddReminders();
        silo.Services.AddSingleton<IReminderTable>(reminders);
        return silo;
    }

    /// <summary>Builds and deploys the cluster.</summary>
    public static async Task<InProcessTestCluster> StartAsync(
        short silos, FakeProviderServer provider, IDictionary<string, string?> settings, IBlobStore blobs, Action<ISiloBuilder> configureSilo)
    {
        var all = new Dictionary<string, string?>
        {
            ["Gateway:Providers:fake:BaseUrl"] = provider.BaseUrl,
            ["Gateway:Providers:fake:ApiKey"] = "fake-key",
            ["Gateway:Providers:fake:TimeoutSeconds"] = "10",
            ["Gateway:Providers:fake:RetryBaseDelayMilliseconds"] = "1",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        var builder = new InProcessTestClusterBuilder(silos);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration.AddInMemoryCollection(all);
            host.Services.AddGatewayCore();
            host.Services.AddGatewayBatch();
            host.Services.AddSingleton(blobs);
        });
        builder.ConfigureSilo((_, silo) => configureSilo(silo));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
