using System.Text.Json;
using Orleans.Runtime;

namespace OrleansGateway.Silo.Health;

/// <summary><c>GET /health</c> on a silo: whether the cluster answers, and its active silos (no auth).</summary>
public static class SiloHealthApi
{
    /// <summary>The service name, as the frontend reports it.</summary>
    public const string ServiceName = "orleans-llm-gateway";

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static IEndpointRouteBuilder MapSiloHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", GetHealthAsync);
        return app;
    }

    public static async Task<IResult> GetHealthAsync(IGrainFactory grains, TimeProvider time, CancellationToken cancellationToken)
    {
        IReadOnlyList<SiloMemberInfo> silos = [];
        try
        {
            var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(TimeSpan.FromSeconds(3), cancellationToken);
            silos = [.. hosts.Select(h => new SiloMemberInfo(h.Key.ToParsableString(), h.Value.ToString()))];
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            silos = [];
        }

        var responding = silos.Count > 0;
        var response = new SiloHealthResponse(
            responding ? "healthy" : "unhealthy",
            ServiceName,
            typeof(SiloHealthApi).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
            time.GetUtcNow().ToUnixTimeSeconds(),
            "silo",
            responding,
            silos);
        return Results.Json(response, s_json, statusCode: responding ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
