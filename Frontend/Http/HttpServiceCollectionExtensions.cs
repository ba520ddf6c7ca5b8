using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OrleansGateway.Frontend.Http;

/// <summary>Registers the shared HTTP plumbing of every surface.</summary>
public static class HttpServiceCollectionExtensions
{
    /// <summary>Adds <see cref="ApiSurfaces"/>, <see cref="RequestBodyReader"/> and <see cref="GatewayJsonContext"/> as the JSON resolver. Idempotent.</summary>
    public static IServiceCollection AddGatewayHttp(this IServiceCollection services)
    {
        services.TryAddSingleton<ApiSurfaces>();
        services.TryAddSingleton<RequestBodyReader>();
        if (!services.Any(d => d.ServiceType == typeof(ApiSurfacesMarker)))
        {
            services.AddSingleton<ApiSurfacesMarker>();
            services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, GatewayJsonContext.Default));
        }

        return services;
    }

    /// <summary>Marks the JSON options as configured, so a second call adds nothing.</summary>
    private sealed class ApiSurfacesMarker;
}
