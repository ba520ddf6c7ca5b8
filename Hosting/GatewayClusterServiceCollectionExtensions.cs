using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OrleansGateway.Hosting;

/// <summary>Services every gateway host registers before Orleans: the hosting options, a draining shutdown and (in a cluster) the start-up check.</summary>
public static class GatewayClusterServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="GatewayHostingOptions"/> (bound from <c>Gateway:Hosting</c> and the old keys,
    /// validated at start, a warning for each old key in use), exceptions of any type in grain call answers
    /// (<see cref="ExceptionSerializationExtensions.AddGatewayExceptionSerialization"/>) and the SIGTERM drain: the host stops
    /// taking requests and gives those in flight up to <see cref="GatewayHostingOptions.ShutdownTimeoutSeconds"/>.
    /// Idempotent.
    /// </summary>
    public static IServiceCollection AddGatewayHosting(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(IValidateOptions<GatewayHostingOptions>)))
        {
            return services;
        }

        services.AddOptions<GatewayHostingOptions>()
            .Configure<IConfiguration>(static (options, configuration) => GatewayHostingSettings.Bind(configuration, options))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GatewayHostingOptions>, GatewayHostingOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddGatewayExceptionSerialization();
        services.AddHostedService<LegacyHostingSettingsWarning>();
        services.AddOptions<HostOptions>().Configure<IOptions<GatewayHostingOptions>>(static (host, hosting) =>
            host.ShutdownTimeout = TimeSpan.FromSeconds(hosting.Value.ShutdownTimeoutSeconds));
        return services;
    }

    /// <summary>
    /// Registers <see cref="ClusterDependencyCheck"/>. Call before <c>UseOrleans</c> /
    /// <c>UseOrleansClient</c> so it runs before Orleans starts. Silos check storage too.
    /// </summary>
    public static IServiceCollection AddClusterDependencyCheck(this IServiceCollection services, IConfiguration configuration, bool includeStorage) =>
        services.AddHostedService(sp => new ClusterDependencyCheck(
            configuration,
            includeStorage,
            sp.GetRequiredService<IOptions<GatewayHostingOptions>>(),
            sp.GetRequiredService<ILogger<ClusterDependencyCheck>>()));
}
