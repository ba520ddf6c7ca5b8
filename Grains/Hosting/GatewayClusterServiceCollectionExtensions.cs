using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OrleansGateway.Hosting;

/// <summary>Services every cluster host registers before Orleans: the start-up check and a draining shutdown.</summary>
public static class GatewayClusterServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ClusterDependencyCheck"/>. Call before <c>UseOrleans</c> /
    /// <c>UseOrleansClient</c> so it runs before Orleans starts. Silos check storage too.
    /// </summary>
    public static IServiceCollection AddClusterDependencyCheck(this IServiceCollection services, IConfiguration configuration, bool includeStorage) =>
        services.AddHostedService(sp => new ClusterDependencyCheck(configuration, includeStorage, sp.GetRequiredService<ILogger<ClusterDependencyCheck>>()));

    /// <summary>
    /// On SIGTERM the host stops taking requests and gives those in flight (and a silo's grains)
    /// up to <c>Gateway:ShutdownTimeoutSeconds</c> (default 30) to finish.
    /// </summary>
    public static IServiceCollection AddGatewayShutdown(this IServiceCollection services, IConfiguration configuration) =>
        services.Configure<HostOptions>(options =>
            options.ShutdownTimeout = TimeSpan.FromSeconds(configuration.GetValue("Gateway:ShutdownTimeoutSeconds", 30.0)));
}
