using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;

namespace OrleansGateway.Hosting;

/// <summary>Configures the Orleans client of a stateless frontend in cluster mode.</summary>
public static class GatewayClientExtensions
{
    /// <summary>
    /// Clustering comes from the <c>Orleans</c> section (read by Orleans, shorthands included). From
    /// <see cref="GatewayHostingOptions"/>: the client refreshes its list of silos every
    /// <see cref="GatewayHostingOptions.SiloListRefreshSeconds"/> so a restarted silo takes traffic soon,
    /// keeps trying to connect for <see cref="GatewayHostingOptions.ClientConnectRetrySeconds"/> while no
    /// silo is up yet (<see cref="FirstSiloConnectRetryFilter"/>) and waits up to
    /// <see cref="GatewayHostingOptions.ClientResponseTimeoutSeconds"/> for a grain call; calls in flight
    /// through a silo connection that closed are given up (<see cref="SiloConnectionLossCallFilter"/>).
    /// Adds <see cref="GatewayClusterServiceCollectionExtensions.AddGatewayHosting"/> (idempotent), and Orleans'
    /// activity propagation when traces are exported.
    /// </summary>
    public static IClientBuilder UseGatewayClusterClient(this IClientBuilder client, IConfiguration configuration)
    {
        client.Services.AddGatewayHosting();
        if (Telemetry.GatewayTelemetryExtensions.IsTracing(configuration))
        {
            client.AddActivityPropagation();
        }

        var monitor = new SiloConnectionMonitor();
        client.Services.AddSingleton(monitor);
        client.Services.TryAddSingleton(TimeProvider.System);
        client.AddClusterConnectionStatusObserver(monitor);
        client.AddOutgoingGrainCallFilter<SiloConnectionLossCallFilter>();
        // A chat call lasts as long as the provider takes plus the wait for a slot, often beyond Orleans'
        // 30 s default; calls lost with a silo connection are failed by SiloConnectionLossCallFilter instead.
        client.Services.AddOptions<ClientMessagingOptions>().Configure<IOptions<GatewayHostingOptions>>(static (messaging, hosting) =>
            messaging.ResponseTimeout = TimeSpan.FromSeconds(hosting.Value.ClientResponseTimeoutSeconds));
        client.Services.AddOptions<GatewayOptions>().Configure<IOptions<GatewayHostingOptions>>(static (gateways, hosting) =>
            gateways.GatewayListRefreshPeriod = TimeSpan.FromSeconds(hosting.Value.SiloListRefreshSeconds));
        client.UseConnectionRetryFilter<FirstSiloConnectRetryFilter>();
        return client;
    }
}
