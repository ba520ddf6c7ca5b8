using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using OrleansGateway.Frontend.Hosting;
using OrleansGateway.Providers;
using OrleansGateway.Secrets;

namespace OrleansGateway.Tests.Hosting;

/// <summary>
/// The frontend's start-up warm-up (<see cref="StartupWarmUp"/>, issue 20's cold start): before the gateway listens,
/// every configured provider's grain is active and the provider call path has run once, against an in-memory answer
/// and never against the provider; turned off, it does nothing.
/// </summary>
public sealed class StartupWarmUpTests : FakeProviderTest
{
    [Fact]
    public async Task ProviderCallWarmUp_RunsTheCallPathAgainstAnInMemoryAnswer()
    {
        var redactor = new SecretRedactor(Options.Create(new ProvidersOptions()), new ConfigurationBuilder().Build());

        var result = await ProviderCallWarmUp.RunAsync(redactor, TimeProvider.System, CancellationToken.None);

        Assert.Equal("ready", result.Content);
        Assert.Equal("stop", result.FinishReason);
        Assert.Equal(new TokenUsage(5, 1, 6), result.Usage);
        Assert.Equal("chatcmpl-warm-up", result.Id);
    }

    [Fact]
    public async Task Start_ActivatesEveryProviderGrainAndRunsTheCallPath_WithoutCallingTheProvider()
    {
        await using var app = new GatewayApplication(Provider, GatewayFixture.ExtraProviders(Provider.BaseUrl));
        _ = app.Server;

        var report = app.Services.GetRequiredService<StartupWarmUp>().Last;
        Assert.NotNull(report);
        Assert.True(report.CallPathAnswered);
        Assert.InRange(report.Elapsed, TimeSpan.Zero, StartupWarmUp.Budget);
        Assert.Equal(0, Provider.TotalCount);

        // Every provider that can be called (fake, legacy, slow and dead have keys; local needs none); not those
        // whose requests fail for want of a key (nokey, and openai, groq and google unconfigured here).
        var active = await ActiveProviderGrainsAsync(app);
        Assert.Equal(["dead", "fake", "legacy", "local", "slow"], active.Order());
        Assert.Equal(active.Count, report.ProviderGrains);

        // And the first request is served as ever.
        using var response = await app.CreateClient().PostAsJsonAsync("/v1/chat/completions", new { model = "fake/m", messages = new[] { new { role = "user", content = "hi" } } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, Provider.TotalCount);
    }

    [Fact]
    public async Task Start_WarmUpAtStartFalse_ActivatesNothing()
    {
        await using var app = new GatewayApplication(Provider, new Dictionary<string, string?> { ["Gateway:Hosting:WarmUpAtStart"] = "false" });
        _ = app.Server;

        Assert.Null(app.Services.GetRequiredService<StartupWarmUp>().Last);
        Assert.Empty(await ActiveProviderGrainsAsync(app));
    }

    private static async Task<HashSet<string>> ActiveProviderGrainsAsync(GatewayApplication app)
    {
        var management = app.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        var statistics = await management.GetDetailedGrainStatistics();
        return statistics
            .Where(s => s.GrainType.Contains(nameof(ProviderGrain), StringComparison.Ordinal))
            .Select(s => s.GrainId.Key.ToString()!)
            .ToHashSet();
    }
}
