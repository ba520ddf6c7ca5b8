using Microsoft.Extensions.Configuration;
using OrleansGateway.Storage;

namespace OrleansGateway.Hosting;

/// <summary>Configures an Orleans silo for the gateway's grains; the same for the embedded and the cluster host.</summary>
public static class GatewaySiloExtensions
{
    /// <summary>Default silo-to-silo port.</summary>
    public const int DefaultSiloPort = 11111;

    /// <summary>Default client gateway port.</summary>
    public const int DefaultGatewayPort = 30000;

    /// <summary>
    /// Embedded mode: localhost clustering, in-memory grain storage and reminders. Ports come from
    /// <c>Orleans:Endpoints:SiloPort</c> / <c>GatewayPort</c> (defaults 11111 / 30000).
    /// </summary>
    public static ISiloBuilder UseGatewayEmbeddedSilo(this ISiloBuilder silo, IConfiguration configuration)
    {
        var siloPort = configuration.GetValue("Orleans:Endpoints:SiloPort", DefaultSiloPort);
        var gatewayPort = configuration.GetValue("Orleans:Endpoints:GatewayPort", DefaultGatewayPort);
        silo.UseLocalhostClustering(siloPort, gatewayPort);
        silo.AddMemoryGrainStorage(GatewayStorage.Name);
        silo.UseInMemoryReminderService();
        return silo;
    }
}
