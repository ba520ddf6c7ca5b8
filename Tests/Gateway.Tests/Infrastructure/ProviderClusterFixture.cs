using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;
using OrleansGateway.Hosting;
using OrleansGateway.Tests.Batch;

namespace OrleansGateway.Tests.Infrastructure;

/// <summary>
/// An Orleans in-process test cluster of two silos running the gateway's grains, with one
/// <see cref="FakeTimeProvider"/> shared by every silo (so leases, queues, backoff and the circuit's
/// cool-down move only when a test advances it) and a fake provider on loopback behind several
/// provider names, each a separate limiter.
/// </summary>
public sealed class ProviderClusterFixture : IAsyncLifetime
{
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public FakeProviderServer Provider { get; private set; } = null!;

    /// <summary>The grain storage of every silo, held in the test process.</summary>
    public SharedGrainStore Store { get; } = new();

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync()
    {
        Provider = await FakeProviderServer.StartAsync();
        var settings = Settings(Provider.BaseUrl);
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration.AddInMemoryCollection(settings);
            host.Logging.SetMinimumLevel(LogLevel.Warning);
            host.Services.AddGatewayFakeTime(Time);
            host.Services.AddGatewayCore();
        });
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddGrainStorage(GatewayStorage.Name, (services, _) => new SharedGrainStorage(Store, services.GetRequiredService<IGrainStorageSerializer>()));
            silo.UseInMemoryReminderService();
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        await Provider.DisposeAsync();
    }

    /// <summary>The grain factory of each silo, to make calls that start on that silo.</summary>
    public IReadOnlyList<IGrainFactory> SiloGrainFactories() =>
        [.. Cluster.Silos.Select(s => Cluster.GetSiloServiceProvider(s.SiloAddress).GetRequiredService<IGrainFactory>())];

    private static Dictionary<string, string?> Settings(string baseUrl)
    {
        var settings = new Dictionary<string, string?>();
        void Provider(string name, params (string Key, string Value)[] values)
        {
            settings[$"Gateway:Providers:{name}:BaseUrl"] = baseUrl;
            settings[$"Gateway:Providers:{name}:ApiKey"] = name + "-key";
            settings[$"Gateway:Providers:{name}:RetryBaseDelayMilliseconds"] = "0";
            // These tests pin the grain's own queueing under a fake clock, on which a kept slot would never
            // age: slots go back after every call here (the "reuse" provider and ProviderSlotTests test keeping).
            settings[$"Gateway:Providers:{name}:LeaseReuseMilliseconds"] = "0";
            foreach (var (key, value) in values)
            {
                settings[$"Gateway:Providers:{name}:{key}"] = value;
            }
        }

        Provider("limit", ("MaxConcurrency", "4"), ("MaxRetries", "0"));
        Provider("lease", ("MaxConcurrency", "1"), ("LeaseTtlSeconds", "1"));
        Provider("rebuild", ("MaxConcurrency", "2"), ("LeaseTtlSeconds", "1"));
        Provider("prio", ("MaxConcurrency", "5"), ("BatchMinShare", "0.2"), ("LeaseTtlSeconds", "600"));
        Provider("queue", ("MaxConcurrency", "1"), ("MaxQueue", "1"), ("QueueTimeoutSeconds", "5"), ("LeaseTtlSeconds", "600"));
        Provider("retry", ("MaxRetries", "3"), ("MaxRetryDelaySeconds", "30"));
        Provider("primary", ("MaxRetries", "1"));
        Provider("second", ("MaxRetries", "0"));
        Provider("third", ("MaxRetries", "0"));
        Provider("reuse", ("MaxConcurrency", "8"), ("LeaseReuseMilliseconds", "100"));
        Provider("move", ("MaxConcurrency", "1"), ("LeaseTtlSeconds", "600"), ("QueueTimeoutSeconds", "600"));
        Provider("lost", ("MaxConcurrency", "2"), ("LeaseTtlSeconds", "600"));
        Provider("moveexec", ("MaxConcurrency", "1"), ("LeaseTtlSeconds", "600"), ("QueueTimeoutSeconds", "600"), ("MaxRetries", "0"));
        Provider("flaky", ("MaxRetries", "0"), ("CircuitFailureThreshold", "2"), ("CircuitCooldownSeconds", "10"));
        Provider("join", ("MaxConcurrency", "8"), ("MaxRetries", "0"));
        settings["Gateway:Providers:flaky:Fallbacks:m:0"] = "third/backup";
        return settings;
    }
}
