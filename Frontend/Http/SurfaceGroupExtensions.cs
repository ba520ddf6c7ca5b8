using Microsoft.AspNetCore.Authorization;

namespace OrleansGateway.Frontend.Http;

/// <summary>Route groups that carry their surface (so their error shape), their auth and their body rule.</summary>
public static class SurfaceGroupExtensions
{
    /// <summary>
    /// A group of <paramref name="surface"/> under <paramref name="prefix"/>: its errors in that surface's
    /// shape, gateway keys required (see <c>ApiKeyMiddleware</c>), request bodies JSON unless an endpoint
    /// declares another media type, and a body that could not be read answered before the handler runs.
    /// </summary>
    public static RouteGroupBuilder MapSurfaceGroup(this IEndpointRouteBuilder app, string prefix, ApiSurface surface)
    {
        app.ServiceProvider.GetRequiredService<ApiSurfaces>().Add(prefix, surface);
        return app.MapGroup(prefix)
            .WithMetadata(new ApiSurfaceMetadata(surface))
            .RequireJsonBody();
    }

    /// <summary>A group served without a gateway key (the health check).</summary>
    public static RouteGroupBuilder MapOpenGroup(this IEndpointRouteBuilder app, string prefix) =>
        app.MapGroup(prefix).AllowAnonymous();
}
