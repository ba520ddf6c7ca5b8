using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansGateway.Hosting;

/// <summary>Configures the Orleans client of a stateless frontend in cluster mode.</summary>
public static class GatewayClientExtensions
{
    /// <summary>
    /// Clustering comes from the <c>Orleans</c> section (read by Orleans, shorthands included). The
    /// client refreshes its list of silos every few seconds so a restarted silo takes traffic soon,
    /// keeps trying to connect for <c>Orleans:Client:ConnectRetrySeconds</c> (default 60) while no
    /// silo is up yet, waits up to <c>Orleans:Client:ResponseTimeoutSeconds</c> (default 600) for a
    /// grain call, and gives up calls that were in flight through a gateway that went away
    /// (<see cref="GatewayLossCallFilter"/>).
    /// </summary>
    public static IClientBuilder UseGatewayClusterClient(this IClientBuilder client, IConfiguration configuration)
    {
        var monitor = new GatewayConnectionMonitor();
        client.Services.AddSingleton(monitor);
        client.AddClusterConnectionStatusObserver(monitor);
        client.AddOutgoingGrainCallFilter<GatewayLossCallFilter>();
        // A chat call lasts as long as the provider takes plus the wait for a slot, often beyond Orleans'
        // 30 s default; calls lost with a gateway are failed by GatewayLossCallFilter instead.
        client.Configure<Orleans.Configuration.ClientMessagingOptions>(options =>
            options.ResponseTimeout = TimeSpan.FromSeconds(configuration.GetValue("Orleans:Client:ResponseTimeoutSeconds", 600)));
        client.Configure<Orleans.Configuration.GatewayOptions>(options =>
            options.GatewayListRefreshPeriod = TimeSpan.FromSeconds(configuration.GetValue("Orleans:Client:GatewayListRefreshSeconds", 5)));
        var retryFor = TimeSpan.FromSeconds(configuration.GetValue("Orleans:Client:ConnectRetrySeconds", 60));
        var started = DateTimeOffset.UtcNow;
        client.UseConnectionRetryFilter(async (exception, cancellationToken) =>
        {
            if (DateTimeOffset.UtcNow - started > retryFor)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            return true;
        });
        return client;
    }
}
