using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using OrleansGateway.Tests.Cluster;

namespace OrleansGateway.Tests.Hosting;

/// <summary>
/// The shipped logging rules, as each host loads them from its own appsettings.json: category rules
/// match by prefix, so the "Orleans" rule must not silence the gateway's own <c>OrleansGateway.*</c>
/// lines, and Polly's per-placement Information lines stay off.
/// </summary>
public sealed class LoggingRulesTests
{
    [Theory]
    [InlineData("Frontend", "OrleansGateway.Frontend.dll")]
    [InlineData("Silo", "OrleansGateway.Silo.dll")]
    public void AppSettings_LogLevels_KeepGatewayLinesAndQuietOrleansAndPolly(string project, string dll)
    {
        var settings = Path.Combine(Path.GetDirectoryName(ClusterFixture.BuiltDll(project, dll))!, "appsettings.json");
        var configuration = new ConfigurationBuilder().AddJsonFile(settings).Build();
        using var factory = LoggerFactory.Create(logging => logging.AddConfiguration(configuration.GetSection("Logging")).AddConsole());

        Assert.True(factory.CreateLogger("OrleansGateway.Batch.BatchJobGrain").IsEnabled(LogLevel.Information), $"{settings}: OrleansGateway.* Information is filtered out");
        Assert.True(factory.CreateLogger("OrleansGateway.Providers.ProviderGrain").IsEnabled(LogLevel.Information), $"{settings}: OrleansGateway.* Information is filtered out");
        Assert.False(factory.CreateLogger("Orleans.Runtime.Catalog").IsEnabled(LogLevel.Information), $"{settings}: Orleans Information is on");
        Assert.True(factory.CreateLogger("Orleans.Runtime.Catalog").IsEnabled(LogLevel.Warning), $"{settings}: Orleans warnings are off");
        Assert.False(factory.CreateLogger("Polly").IsEnabled(LogLevel.Information), $"{settings}: Polly Information is on");
        Assert.True(factory.CreateLogger("Polly").IsEnabled(LogLevel.Warning), $"{settings}: Polly warnings are off");
    }
}
