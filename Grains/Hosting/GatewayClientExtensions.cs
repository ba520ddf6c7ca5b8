using Microsoft.Extensions.Configuration;

namespace OrleansGateway.Hosting;

/// <summary>Configures the Orleans client of a stateless frontend in cluster mode.</summary>
public static class GatewayClientExtensions
{
    /// <summary>
    /// Clustering comes from the <c>Orleans</c> section (read by Orleans, shorthands included). The
    /// client refreshes its list of silos every few seconds so a restarted silo takes traffic soon,
    /// and keeps trying to connect for <c>Orleans:Client:ConnectRetrySeconds</c> (default 60) while
    /// no silo is up yet.
    /// </summary>
    public static IClientBuilder UseGatewayClusterClient(this IClientBuilder client, IConfiguration configuration)
    {
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
