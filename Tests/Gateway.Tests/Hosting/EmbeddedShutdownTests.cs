using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using OrleansGateway.FakeProvider;
using OrleansGateway.Tests.Cluster;
using OrleansGateway.Tests.Infrastructure;

namespace OrleansGateway.Tests.Hosting;

/// <summary>The embedded gateway as its own process, stopped the way a user or an orchestrator stops it.</summary>
public sealed class EmbeddedShutdownTests
{
    private const string Token = "embedded-shutdown-token";

    [Fact]
    public async Task Sigterm_EmbeddedGatewayAfterRequestsToSeveralProviders_ExitsZeroAndLogsNoFailure()
    {
        await using var provider = await FakeProviderServer.StartAsync();
        provider.RecordRequests = false;
        string[] providers = ["alpha", "beta", "gamma"];
        var environment = new Dictionary<string, string?>
        {
            ["SECRET_TOKEN"] = Token,
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Orleans__Endpoints__SiloPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
            ["Orleans__Endpoints__GatewayPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
            ["Logging__LogLevel__Default"] = "Information",
            ["DOTNET_gcServer"] = "0",
        };
        foreach (var name in providers)
        {
            environment[$"Gateway__Providers__{name}__BaseUrl"] = provider.BaseUrl;
            environment[$"Gateway__Providers__{name}__ApiKey"] = name + "-key";
            environment[$"Gateway__Providers__{name}__Models__0"] = "m";
        }

        await using var gateway = HostProcess.Start("embedded", ClusterFixture.BuiltDll("Frontend", "OrleansGateway.Frontend.dll"), $"http://127.0.0.1:{FreePorts.Next()}", environment);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        await Eventually.UntilAsync(async () => await AnswersAsync(http, gateway.BaseUrl + "/health") || gateway.HasExited, "the embedded gateway to answer /health", TimeSpan.FromSeconds(120));
        Assert.False(gateway.HasExited, $"The embedded gateway exited while starting.\n{gateway.Tail()}");

        // Each provider's grain activates (and writes its state) with its first request.
        foreach (var name in providers)
        {
            var json = JsonSerializer.Serialize(new { model = $"{name}/m", prompt = "Be brief.", user_prompt = "hello " + name });
            using var request = new HttpRequestMessage(HttpMethod.Post, gateway.BaseUrl + "/llm/generation") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            using var response = await http.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}\n{gateway.Tail()}");
        }

        await gateway.StopAsync(TimeSpan.FromSeconds(60));

        Assert.True(gateway.HasExited && gateway.ExitCode == 0, $"The embedded gateway did not exit with 0 after SIGTERM (exited: {gateway.HasExited}).\n{gateway.Tail()}");
        var failures = gateway.Output.Split('\n').Where(line => line.StartsWith("fail:", StringComparison.Ordinal)).ToList();
        Assert.True(failures.Count == 0, $"A clean stop logged {failures.Count} failure(s):\n{gateway.Tail(80)}");
    }

    private static async Task<bool> AnswersAsync(HttpClient http, string url)
    {
        try
        {
            using var response = await http.GetAsync(url);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }
}
