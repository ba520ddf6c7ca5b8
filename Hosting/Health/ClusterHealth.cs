using System.Reflection;
using Microsoft.AspNetCore.Http;
using Orleans.Runtime;

namespace OrleansGateway.Hosting.Health;

/// <summary>
/// What <c>GET /health</c> answers, on a frontend and on a silo alike: the service and its version, the host's mode,
/// and the cluster's active silos as the management grain lists them (within 3 s; none when it does not answer).
/// </summary>
public static class ClusterHealth
{
    /// <summary>The service name <c>/health</c> reports.</summary>
    public const string ServiceName = "orleans-llm-gateway";

    /// <summary>Reads the cluster's active silos and builds the body; <paramref name="service"/> gives the version.</summary>
    public static async Task<HealthResponse> ReadAsync(IGrainFactory grains, string mode, Assembly service, TimeProvider time, CancellationToken cancellationToken)
    {
        IReadOnlyList<SiloMember> silos = [];
        try
        {
            var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(TimeSpan.FromSeconds(3), cancellationToken);
            silos = [.. hosts.Select(h => new SiloMember(h.Key.ToParsableString(), h.Value.ToString()))];
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            silos = [];
        }

        var responding = silos.Count > 0;
        return new HealthResponse(
            responding ? "healthy" : "unhealthy",
            ServiceName,
            service.GetName().Version?.ToString(3) ?? "0.0.0",
            time.GetUtcNow().ToUnixTimeSeconds(),
            mode,
            responding,
            silos);
    }

    /// <summary>200 while a silo answers, else 503.</summary>
    public static int StatusCode(HealthResponse health) =>
        health.SiloResponding ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
}
