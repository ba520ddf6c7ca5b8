using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansGateway.Hosting;

namespace OrleansGateway.Benchmarks;

/// <summary>
/// A silo in this process, configured as the gateway's embedded mode configures it (localhost
/// clustering on free ports, in-memory storage, the gateway's services), with one provider
/// <c>bench</c> whose base URL is never called.
/// </summary>
public static class EmbeddedSilo
{
    public const string Provider = "bench";

    public static async Task<IHost> StartAsync(int maxConcurrency, int maxQueue = 10_000)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"Gateway:Providers:{Provider}:BaseUrl"] = "http://127.0.0.1:9/v1",
            [$"Gateway:Providers:{Provider}:ApiKey"] = "x",
            [$"Gateway:Providers:{Provider}:MaxConcurrency"] = maxConcurrency.ToString(CultureInfo.InvariantCulture),
            [$"Gateway:Providers:{Provider}:MaxQueue"] = maxQueue.ToString(CultureInfo.InvariantCulture),
            ["Orleans:Endpoints:SiloPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
            ["Orleans:Endpoints:GatewayPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
        });
        builder.Services.AddGatewayCore();
        builder.UseOrleans(silo => silo.UseGatewayEmbeddedSilo(builder.Configuration));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
