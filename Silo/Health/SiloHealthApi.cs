using System.Text.Json;
using OrleansGateway.Hosting.Health;

namespace OrleansGateway.Silo.Health;

/// <summary><c>GET /health</c> on a silo: whether the cluster answers, and its active silos (no auth); the frontend's shape.</summary>
public static class SiloHealthApi
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static IEndpointRouteBuilder MapSiloHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", GetHealthAsync);
        return app;
    }

    public static async Task<IResult> GetHealthAsync(IGrainFactory grains, TimeProvider time, CancellationToken cancellationToken)
    {
        var response = await ClusterHealth.ReadAsync(grains, "silo", typeof(SiloHealthApi).Assembly, time, cancellationToken);
        return Results.Json(response, s_json, statusCode: ClusterHealth.StatusCode(response));
    }
}
