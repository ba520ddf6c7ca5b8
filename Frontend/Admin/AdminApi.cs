namespace OrleansGateway.Frontend.Admin;

/// <summary>The admin API's route group.</summary>
public static class AdminApi
{
    /// <summary>The <c>/admin</c> group: OpenAI's error shape, JSON bodies, the admin keys only (a virtual key gets 403).</summary>
    public static RouteGroupBuilder MapAdminSurface(this IEndpointRouteBuilder app) =>
        app.MapSurfaceGroup("/admin", ApiSurface.OpenAi).RequireAdminKey();
}
