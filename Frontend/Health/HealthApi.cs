using OrleansGateway.Hosting.Health;

namespace OrleansGateway.Frontend.Health;

/// <summary><c>GET /health</c>: the service, and whether the silos answer (no auth).</summary>
public static class HealthApi
{
    /// <summary><c>GET /health</c>, on an open group (no key).</summary>
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapOpenGroup("/health").MapGet(string.Empty, GetHealthAsync);
        return app;
    }

    public static async Task<JsonHttpResult<HealthResponse>> GetHealthAsync(IGrainFactory grains, GatewayHostMode mode, TimeProvider time, CancellationToken cancellationToken)
    {
        var response = await ClusterHealth.ReadAsync(grains, mode.Name, typeof(HealthApi).Assembly, time, cancellationToken);
        return TypedResults.Json(response, GatewayJsonContext.Default.HealthResponse, statusCode: ClusterHealth.StatusCode(response));
    }
}
