using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using OrleansGateway.Cluster;
using OrleansGateway.Providers;
using OrleansGateway.Storage;
using OrleansGateway.Streaming;

namespace OrleansGateway.Hosting;

/// <summary>Configures an Orleans silo for the gateway's grains; the same for the embedded and the cluster host.</summary>
public static class GatewaySiloExtensions
{
    /// <summary>Default silo-to-silo port.</summary>
    public const int DefaultSiloPort = 11111;

    /// <summary>Default client gateway port.</summary>
    public const int DefaultGatewayPort = 30000;

    /// <summary>
    /// Cluster mode when it is configured (<see cref="GatewayClusterConfiguration.IsCluster"/>), else embedded mode.
    /// Call <see cref="GatewayClusterConfiguration.AddGatewayClusterShorthands"/> before <c>UseOrleans</c>.
    /// </summary>
    public static ISiloBuilder UseGatewaySilo(this ISiloBuilder silo, IConfiguration configuration) =>
        GatewayClusterConfiguration.IsCluster(configuration)
            ? silo.UseGatewayClusterSilo(configuration)
            : silo.UseGatewayEmbeddedSilo(configuration);

    /// <summary>
    /// Embedded mode: localhost clustering, in-memory grain storage and reminders. Ports come from
    /// Orleans' own <c>Orleans:Endpoints:SiloPort</c> / <c>GatewayPort</c> (defaults 11111 / 30000), the
    /// keys a cluster silo reads through Orleans.
    /// </summary>
    public static ISiloBuilder UseGatewayEmbeddedSilo(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.UseGatewayResponseTimeout().UseGatewayTracing(configuration);
        var siloPort = configuration.GetValue("Orleans:Endpoints:SiloPort", DefaultSiloPort);
        var gatewayPort = configuration.GetValue("Orleans:Endpoints:GatewayPort", DefaultGatewayPort);
        silo.UseLocalhostClustering(siloPort, gatewayPort);
        silo.AddMemoryGrainStorage(GatewayStorage.Name);
        silo.AddMemoryGrainStorage(GrainBlobStore.StorageName);
        silo.UseInMemoryReminderService();

        // Nothing outlives this process: provider grains write no lease table when it stops (the storage is gone by then).
        silo.Services.AddSingleton(static sp => new ProviderGrainMoves(handOverAtShutdown: false, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ProviderGrainMoves>>()));
        // ... and batch work stops when the silo does, rather than retrying writes to that storage until the stop times out.
        silo.Services.AddSingleton(static _ => new SiloStopSignal(stateOutlivesSilo: false));
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(static sp => sp.GetRequiredService<SiloStopSignal>());
        return silo;
    }

    /// <summary>
    /// Cluster mode: clustering, grain storage and reminders come from the <c>Orleans</c> section
    /// (which Orleans reads by itself, shorthands included); what it leaves out stays in memory.
    /// Endpoints come from <c>Orleans:Endpoints</c> (silo port 11111, gateway port 30000 by default),
    /// failure detection from <c>Orleans:Membership</c> (<see cref="ClusterMembershipOptions"/>).
    /// </summary>
    public static ISiloBuilder UseGatewayClusterSilo(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.UseGatewayResponseTimeout().UseGatewayTracing(configuration);
        foreach (var name in GatewayClusterConfiguration.StorageNames.Append(GrainBlobStore.StorageName))
        {
            if (!configuration.GetSection($"Orleans:GrainStorage:{name}").Exists())
            {
                silo.AddMemoryGrainStorage(name);
            }
        }

        if (!configuration.GetSection("Orleans:Reminders").Exists())
        {
            silo.UseInMemoryReminderService();
        }

        if (GatewayHostingSettings.Read(configuration).DistributedGrainDirectory)
        {
            // With Orleans' default directory, a silo's crash deactivates the grains on other silos whose
            // directory entries it held; a provider grain then stalls until its waiters time out. The
            // distributed directory recovers those entries instead (Orleans marks it experimental).
#pragma warning disable ORLEANSEXP003
            silo.AddDistributedGrainDirectory();
#pragma warning restore ORLEANSEXP003
        }

        // When the silo stops, its provider grains stop queueing and move to another silo at once, its pooled chat and
        // embedding grains follow once their running calls end, and its open
        // streams end before Orleans deactivates the stream grains carrying them.
        silo.Services.TryAddSingleton(static sp => new ProviderGrainMoves(handOverAtShutdown: true, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ProviderGrainMoves>>()));
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(static sp => sp.GetRequiredService<ProviderGrainMoves>());
        silo.Services.TryAddSingleton<PooledGrainMoves>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(static sp => sp.GetRequiredService<PooledGrainMoves>());
        silo.Services.TryAddSingleton<SiloStreamDrain>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(static sp => sp.GetRequiredService<SiloStreamDrain>());

        silo.Configure<ClusterMembershipOptions>(options =>
        {
            // A silo killed without warning is declared dead within seconds, not the default half minute.
            options.ProbeTimeout = TimeSpan.FromSeconds(2);
            options.NumMissedProbesLimit = 3;
            configuration.GetSection("Orleans:Membership").Bind(options);
        });
        return silo;
    }

    /// <summary>
    /// How long a grain call made from a silo (including the embedded frontend's calls and each step
    /// of a streamed response) may wait for its answer: <see cref="GatewayHostingOptions.SiloResponseTimeoutSeconds"/>.
    /// Adds <see cref="GatewayClusterServiceCollectionExtensions.AddGatewayHosting"/> (idempotent).
    /// </summary>
    public static ISiloBuilder UseGatewayResponseTimeout(this ISiloBuilder silo)
    {
        silo.Services.AddGatewayHosting();
        silo.Services.AddOptions<SiloMessagingOptions>().Configure<IOptions<GatewayHostingOptions>>(static (messaging, hosting) =>
            messaging.ResponseTimeout = TimeSpan.FromSeconds(hosting.Value.SiloResponseTimeoutSeconds));
        return silo;
    }

    /// <summary>
    /// Orleans' activity propagation across grain calls (one trace from the frontend through the grains to
    /// the provider), only when traces are exported (<see cref="Telemetry.GatewayTelemetryExtensions.IsTracing"/>):
    /// otherwise nothing listens and grain calls carry no trace context.
    /// </summary>
    public static ISiloBuilder UseGatewayTracing(this ISiloBuilder silo, IConfiguration configuration)
    {
        if (Telemetry.GatewayTelemetryExtensions.IsTracing(configuration))
        {
            silo.AddActivityPropagation();
        }

        return silo;
    }
}
