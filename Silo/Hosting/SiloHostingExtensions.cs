using Orleans.Dashboard;
using OrleansGateway.Batch;
using OrleansGateway.Hosting;
using OrleansGateway.Storage;

namespace OrleansGateway.Silo.Hosting;

/// <summary>Registers the silo host: an Orleans silo with the gateway's grains and the dashboard.</summary>
public static class SiloHostingExtensions
{
    /// <summary>
    /// Cluster mode when <c>ConnectionStrings:redis</c> or <c>Orleans:Clustering</c> is set (after a
    /// start-up check that Redis and Azure Table storage answer), otherwise a single local silo.
    /// Adds the dashboard, the services the grains need, the hosting options
    /// (<c>Gateway:Hosting</c>, validated at start) and a draining shutdown.
    /// </summary>
    public static WebApplicationBuilder AddGatewaySilo(this WebApplicationBuilder builder)
    {
        builder.Configuration.AddGatewayClusterShorthands(silo: true);
        builder.Services.AddGatewayHosting();
        builder.Services.AddGatewayCore();
        builder.Services.AddGatewayBatch();
        builder.Services.AddGatewayBlobStore(builder.Configuration);
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
}
