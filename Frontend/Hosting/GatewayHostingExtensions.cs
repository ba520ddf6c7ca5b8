using Microsoft.AspNetCore.Http.Features;
using OrleansGateway.Hosting;
using OrleansGateway.Providers;
using OrleansGateway.Storage;

namespace OrleansGateway.Frontend.Hosting;

/// <summary>Registers the frontend: Orleans (embedded silo or cluster client), options, auth and request handling.</summary>
public static class GatewayHostingExtensions
{
    /// <summary>
    /// Embedded mode (the default): an Orleans silo in this process with localhost clustering and
    /// in-memory storage, and the provider clients and executors it (and the in-process dispatch) runs.
    /// Cluster mode (<c>ConnectionStrings:redis</c> or <c>Orleans:Clustering</c> set): a pure Orleans
    /// client of the silos, stateless, after a start-up check that Redis answers; it registers no
    /// executor or provider client (the silos make the provider calls). Either way the hosting options
    /// (<c>Gateway:Hosting</c>) are validated at start and SIGTERM drains requests in flight.
    /// </summary>
    public static WebApplicationBuilder AddGatewayOrleans(this WebApplicationBuilder builder)
    {
        builder.Configuration.AddGatewayClusterShorthands(silo: false);
        builder.Services.AddGatewayHosting();
        builder.Services.AddGatewayBlobStore(builder.Configuration);
        if (GatewayClusterConfiguration.IsCluster(builder.Configuration))
        {
            builder.Services.AddSingleton(GatewayHostMode.Cluster);
            builder.Services.AddClusterDependencyCheck(builder.Configuration, includeStorage: false);
            builder.UseOrleansClient(client => client.UseGatewayClusterClient(builder.Configuration));
            return builder;
        }

        builder.Services.AddSingleton(GatewayHostMode.Embedded);
        builder.Services.AddGatewayCore();
        builder.UseOrleans(silo => silo.UseGatewayEmbeddedSilo(builder.Configuration));
        return builder;
    }

    /// <summary>The HTTP side: options, auth, body limits and the services the endpoints use.</summary>
    public static WebApplicationBuilder AddGatewayFrontend(this WebApplicationBuilder builder)
    {
        builder.Services.AddGatewayOptions();
        builder.Services.AddGatewayAuth();
        builder.Services.AddGatewayHttp();
        builder.Services.AddSingleton<ModelResolver>();
        builder.Services.AddOptions<ChatExecutionOptions>().BindConfiguration(ChatExecutionOptions.SectionName);
        builder.Services.AddSingleton<ChatDispatcher>();
        builder.Services.AddSingleton<EmbeddingDispatcher>();
        builder.Services.AddGatewayStreaming();
        builder.Services.AddGatewaySummarization();
        builder.Services.AddOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>()
            .Configure<IOptions<ProvidersOptions>>((kestrel, gateway) => kestrel.Limits.MaxRequestBodySize = gateway.Value.MaxRequestBodyBytes);
        builder.Services.Configure<FormOptions>(_ => { });
        // After Orleans' hosted service (AddGatewayOrleans), before Kestrel's: the first request finds its path warm.
        builder.Services.AddSingleton<StartupWarmUp>();
        builder.Services.AddHostedService(static sp => sp.GetRequiredService<StartupWarmUp>());
        return builder;
    }
}
