using Microsoft.AspNetCore.Http.HttpResults;
using Orleans.Runtime;
using OrleansGateway.Frontend.Hosting;
using OrleansGateway.Frontend.Http;

namespace OrleansGateway.Frontend.Health;

/// <summary><c>GET /health</c>: the service, and whether the silos answer (no auth).</summary>
public static class HealthApi
{
    /// <summary>The service name reported by <c>/health</c>.</summary>
    public const string ServiceName = "orleans-llm-gateway";

    /// <summary><c>GET /health</c>, on an open group (no key).</summary>
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapOpenGroup("/health").MapGet(string.Empty, GetHealthAsync);
        return app;
    }

    public static async Task<JsonHttpResult<HealthResponse>> GetHealthAsync(IGrainFactory grains, GatewayHostMode mode, TimeProvider time, CancellationToken cancellationToken)
    {
        IReadOnlyList<SiloMember> silos = [];
        var responding = false;
        try
        {
            var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(TimeSpan.FromSeconds(3), cancellationToken);
            silos = [.. hosts.Select(h => new SiloMember(h.Key.ToParsableString(), h.Value.ToString()))];
            responding = silos.Count > 0;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            responding = false;
        }

        var response = new HealthResponse(
            responding ? "healthy" : "unhealthy",
            ServiceName,
            typeof(HealthApi).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
            time.GetUtcNow().ToUnixTimeSeconds(),
            mode.Name,
            responding,
            silos);
        return TypedResults.Json(response, GatewayJsonContext.Default.HealthResponse,
            statusCode: responding ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
