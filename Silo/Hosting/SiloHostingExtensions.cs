using Orleans.Dashboard;
using OrleansGateway.Hosting;

namespace OrleansGateway.Silo.Hosting;

/// <summary>Registers the silo host: an Orleans silo with the gateway's grains and the dashboard.</summary>
public static class SiloHostingExtensions
{
    /// <summary>Exit code when Redis or Azure Table storage did not answer at start.</summary>
    public const int DependencyUnavailableExitCode = 2;

    /// <summary>
    /// Cluster mode when <c>ConnectionStrings:redis</c> or <c>Orleans:Clustering</c> is set (after a
    /// start-up check that Redis and Azure Table storage answer), otherwise a single local silo.
    /// Adds the dashboard, the services the grains need, and a draining shutdown.
    /// </summary>
    public static WebApplicationBuilder AddGatewaySilo(this WebApplicationBuilder builder)
    {
        builder.Configuration.AddGatewayClusterShorthands(silo: true);
        builder.Services.AddGatewayShutdown(builder.Configuration);
        builder.Services.AddGatewayCore();
        if (GatewayClusterConfiguration.IsCluster(builder.Configuration))
        {
            builder.Services.AddClusterDependencyCheck(builder.Configuration, includeStorage: true);
        }

        builder.UseOrleans(silo =>
        {
            silo.UseGatewaySilo(builder.Configuration);
            silo.AddDashboard();
        });
        return builder;
    }

    /// <summary>Runs until SIGTERM (graceful: grains are handed over); exit code 2 when a dependency is unreachable at start.</summary>
    public static async Task<int> RunSiloAsync(this WebApplication app)
    {
        try
        {
            await app.RunAsync();
            return 0;
        }
        catch (ClusterDependencyUnavailableException exception)
        {
            // Already logged by the check; repeated on stderr for whoever started the process.
            await Console.Error.WriteLineAsync($"silo: {exception.Message}");
            return DependencyUnavailableExitCode;
        }
    }
}
