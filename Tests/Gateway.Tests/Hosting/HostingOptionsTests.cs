using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansGateway.Hosting;

namespace OrleansGateway.Tests.Hosting;

public sealed class HostingOptionsTests : FakeProviderTest
{
    [Fact]
    public void Validate_Defaults_Succeed()
    {
        var result = new GatewayHostingOptionsValidator().Validate(null, new GatewayHostingOptions());
        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void Resolve_NothingConfigured_EveryDefaultAsDocumented()
    {
        var options = Build([]).GetRequiredService<IOptions<GatewayHostingOptions>>().Value;
        Assert.Equal(30, options.ShutdownTimeoutSeconds);
        Assert.Equal(5, options.StartupCheckTimeoutSeconds);
        Assert.Equal(600, options.SiloResponseTimeoutSeconds);
        Assert.Equal(600, options.ClientResponseTimeoutSeconds);
        Assert.Equal(5, options.SiloListRefreshSeconds);
        Assert.Equal(60, options.ClientConnectRetrySeconds);
        Assert.True(options.DistributedGrainDirectory);
    }

    [Fact]
    public void Validate_SeveralBadSettings_ReportsEveryFailureAtOnceNamingEach()
    {
        var services = Build(new()
        {
            ["Gateway:Hosting:ShutdownTimeoutSeconds"] = "0",
            ["Gateway:Hosting:StartupCheckTimeoutSeconds"] = "-1",
            ["Gateway:Hosting:SiloResponseTimeoutSeconds"] = "NaN",
            ["Gateway:Hosting:ClientResponseTimeoutSeconds"] = "100000",
            ["Gateway:Hosting:SiloListRefreshSeconds"] = "0",
            ["Gateway:Hosting:ClientConnectRetrySeconds"] = "-0.5",
        });

        var exception = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<GatewayHostingOptions>>().Value);

        Assert.Equal(6, exception.Failures.Count());
        foreach (var setting in new[]
        {
            "ShutdownTimeoutSeconds", "StartupCheckTimeoutSeconds", "SiloResponseTimeoutSeconds",
            "ClientResponseTimeoutSeconds", "SiloListRefreshSeconds", "ClientConnectRetrySeconds",
        })
        {
            Assert.Contains(exception.Failures, f => f.StartsWith($"Gateway:Hosting:{setting} must be", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Validate_ZeroConnectRetry_IsAllowed()
    {
        var options = Build(new() { ["Gateway:Hosting:ClientConnectRetrySeconds"] = "0" }).GetRequiredService<IOptions<GatewayHostingOptions>>().Value;
        Assert.Equal(0, options.ClientConnectRetrySeconds);
    }

    [Theory]
    [InlineData("Gateway:ShutdownTimeoutSeconds", "12", nameof(GatewayHostingOptions.ShutdownTimeoutSeconds))]
    [InlineData("Orleans:StartupCheckTimeoutSeconds", "2", nameof(GatewayHostingOptions.StartupCheckTimeoutSeconds))]
    [InlineData("Orleans:Silo:ResponseTimeoutSeconds", "7", nameof(GatewayHostingOptions.SiloResponseTimeoutSeconds))]
    [InlineData("Orleans:Client:ResponseTimeoutSeconds", "8", nameof(GatewayHostingOptions.ClientResponseTimeoutSeconds))]
    [InlineData("Orleans:Client:GatewayListRefreshSeconds", "2", nameof(GatewayHostingOptions.SiloListRefreshSeconds))]
    [InlineData("Orleans:Client:ConnectRetrySeconds", "9", nameof(GatewayHostingOptions.ClientConnectRetrySeconds))]
    public void Read_OldKeyOnly_IsHonouredAndListedAsLegacy(string oldKey, string value, string setting)
    {
        var configuration = Configuration(new() { [oldKey] = value });

        var options = GatewayHostingSettings.Read(configuration);

        Assert.Equal(double.Parse(value, System.Globalization.CultureInfo.InvariantCulture), (double)typeof(GatewayHostingOptions).GetProperty(setting)!.GetValue(options)!);
        Assert.Equal([(setting, oldKey)], GatewayHostingSettings.LegacyKeysInUse(configuration));
    }

    [Fact]
    public void Read_OldDirectoryKey_IsHonoured()
    {
        var options = GatewayHostingSettings.Read(Configuration(new() { ["Gateway:Cluster:DistributedGrainDirectory"] = "false" }));
        Assert.False(options.DistributedGrainDirectory);
    }

    [Fact]
    public void Read_NewAndOldKey_NewKeyWinsAndOldIsNotListed()
    {
        var configuration = Configuration(new()
        {
            ["Gateway:ShutdownTimeoutSeconds"] = "12",
            ["Gateway:Hosting:ShutdownTimeoutSeconds"] = "20",
        });

        Assert.Equal(20, GatewayHostingSettings.Read(configuration).ShutdownTimeoutSeconds);
        Assert.Empty(GatewayHostingSettings.LegacyKeysInUse(configuration));
    }

    [Fact]
    public void AddGatewayHosting_ShutdownTimeout_SetsTheHostsDrain()
    {
        var services = Build(new() { ["Gateway:Hosting:ShutdownTimeoutSeconds"] = "12" });
        Assert.Equal(TimeSpan.FromSeconds(12), services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
    }

    [Fact]
    public async Task Start_OldKeyInUse_WarnsNamingTheNewKey()
    {
        var logs = new LogCapture();
        var configuration = Configuration(new() { ["Orleans:Client:ConnectRetrySeconds"] = "9" });
        using var factory = LoggerFactory.Create(logging => logging.AddProvider(logs));
        var warning = new LegacyHostingSettingsWarning(configuration, factory.CreateLogger<LegacyHostingSettingsWarning>());

        await warning.StartAsync(CancellationToken.None);

        var line = Assert.Single(logs.Lines);
        Assert.StartsWith("Warning ", line, StringComparison.Ordinal);
        Assert.Contains("Orleans:Client:ConnectRetrySeconds is deprecated", line, StringComparison.Ordinal);
        Assert.Contains("set Gateway:Hosting:ClientConnectRetrySeconds instead", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_InvalidHostingSetting_FailsNamingTheSetting()
    {
        await using var app = new GatewayApplication(Provider, new Dictionary<string, string?> { ["Gateway:Hosting:SiloResponseTimeoutSeconds"] = "-3" });
        var validation = StartFailure.ValidationOf(app);
        Assert.Contains(validation.Failures, f => f.StartsWith("Gateway:Hosting:SiloResponseTimeoutSeconds must be", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EmbeddedSilo_NewResponseTimeoutKey_SetsOrleansTimeout()
    {
        await using var app = new GatewayApplication(Provider, new Dictionary<string, string?> { ["Gateway:Hosting:SiloResponseTimeoutSeconds"] = "42" });
        Assert.Equal(TimeSpan.FromSeconds(42), app.Services.GetRequiredService<IOptions<SiloMessagingOptions>>().Value.ResponseTimeout);
    }

    [Fact]
    public async Task EmbeddedSilo_OldResponseTimeoutKey_StillSetsOrleansTimeout()
    {
        await using var app = new GatewayApplication(Provider, new Dictionary<string, string?> { ["Orleans:Silo:ResponseTimeoutSeconds"] = "43" });
        Assert.Equal(TimeSpan.FromSeconds(43), app.Services.GetRequiredService<IOptions<SiloMessagingOptions>>().Value.ResponseTimeout);
    }

    [Fact]
    public void ClusterClient_HostingSettings_ReachOrleansClientOptions()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:Hosting:SiloListRefreshSeconds"] = "2",
            ["Orleans:Client:ResponseTimeoutSeconds"] = "77",
        });
        builder.UseOrleansClient(client => client.UseLocalhostClustering().UseGatewayClusterClient(builder.Configuration));
        using var host = builder.Build();

        Assert.Equal(TimeSpan.FromSeconds(2), host.Services.GetRequiredService<IOptions<GatewayOptions>>().Value.GatewayListRefreshPeriod);
        Assert.Equal(TimeSpan.FromSeconds(77), host.Services.GetRequiredService<IOptions<ClientMessagingOptions>>().Value.ResponseTimeout);
        Assert.IsType<FirstSiloConnectRetryFilter>(host.Services.GetRequiredService<Orleans.IClientConnectionRetryFilter>());
    }

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

    private static ServiceProvider Build(Dictionary<string, string?> settings) =>
        new ServiceCollection().AddSingleton(Configuration(settings)).AddGatewayHosting().BuildServiceProvider();
}
