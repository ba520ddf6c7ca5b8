namespace OrleansGateway.Hosting;

/// <summary>At start, logs one warning for each old hosting key still in use, naming its new key under <c>Gateway:Hosting</c>.</summary>
public sealed partial class LegacyHostingSettingsWarning(IConfiguration configuration, ILogger<LegacyHostingSettingsWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (setting, oldKey) in GatewayHostingSettings.LegacyKeysInUse(configuration))
        {
            LogLegacyKey(logger, oldKey, $"{GatewayHostingOptions.SectionName}:{setting}");
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
