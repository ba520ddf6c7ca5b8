using System.Globalization;
using OrleansGateway.Tests.Cluster;

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
        await using var gateway = await StartGatewayAsync(provider, providers);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        // Each provider's grain activates (and writes its state) with its first request.
        foreach (var name in providers)
        {
            var json = JsonSerializer.Serialize(new { model = $"{name}/m", prompt = "Be brief.", user_prompt = "hello " + name });
            using var response = await PostAsync(http, gateway, "/llm/generation", json);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}\n{gateway.Tail()}");
        }

        await StopAndAssertCleanAsync(gateway, TimeSpan.FromSeconds(60));
    }

    /// <summary>
    /// A batch still running when the embedded gateway stops: its in-memory state goes with the process, so the stop
    /// must not wait for its tasks, nor retry writes to a storage that is going away (which held the stop up to the
    /// 30 s shutdown timeout and logged failures).
    /// </summary>
    [Fact]
    public async Task Sigterm_EmbeddedGatewayWithABatchRunning_ExitsPromptlyAndLogsNoFailure()
    {
        await using var provider = await FakeProviderServer.StartAsync();
        provider.RecordRequests = false;
        provider.Behavior = _ => FakeReply.Text("ok") with { Delay = TimeSpan.FromMilliseconds(300) };
        await using var gateway = await StartGatewayAsync(provider, ["alpha"]);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var tasks = Enumerable.Range(0, 400).Select(i => new { id = $"t{i}", messages = new[] { new { role = "user", content = "hello " + i } } });
        using (var submitted = await PostAsync(http, gateway, "/v1/batch/generate", JsonSerializer.Serialize(new { model = "alpha/m", tasks })))
        {
            Assert.True(submitted.StatusCode == HttpStatusCode.OK, $"{(int)submitted.StatusCode} {await submitted.Content.ReadAsStringAsync()}\n{gateway.Tail()}");
        }

        await Eventually.UntilAsync(() => provider.CompletedCount >= 8, "the batch's first provider calls", TimeSpan.FromSeconds(30));

        var stopping = System.Diagnostics.Stopwatch.StartNew();
        await StopAndAssertCleanAsync(gateway, TimeSpan.FromSeconds(60));
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(10), $"The stop took {stopping.Elapsed.TotalSeconds:0.0} s with a batch running (shutdown timeout 30 s).\n{gateway.Tail(40)}");
    }

    /// <summary>
    /// Standard output is buffered (<see cref="OrleansGateway.Hosting.Telemetry.BufferedConsoleOutput"/>): a request's line
    /// still arrives while the process runs (the periodic flush), and the lines written while it stops arrive once it has exited.
    /// </summary>
    [Fact]
    public async Task BufferedOutput_RequestLineWhileRunningAndShutdownLinesAtExit_BothReachStandardOutput()
    {
        await using var provider = await FakeProviderServer.StartAsync();
        provider.RecordRequests = false;
        await using var gateway = await StartGatewayAsync(provider, ["alpha"]);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var requestId = "req-buffered-" + Guid.NewGuid().ToString("N")[..8];
        using (var request = new HttpRequestMessage(HttpMethod.Post, gateway.BaseUrl + "/llm/generation")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { model = "alpha/m", prompt = "Be brief.", user_prompt = "hello" }), Encoding.UTF8, "application/json"),
        })
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            request.Headers.Add("x-request-id", requestId);
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await Eventually.UntilAsync(() => gateway.Output.Contains("request_id=" + requestId, StringComparison.Ordinal), "the request line on standard output", TimeSpan.FromSeconds(5));

        await StopAndAssertCleanAsync(gateway, TimeSpan.FromSeconds(60));
        Assert.Contains("Application is shutting down", gateway.Output, StringComparison.Ordinal);
    }

    private static async Task<HostProcess> StartGatewayAsync(FakeProviderServer provider, string[] providers)
    {
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
            environment[$"Gateway__Providers__{name}__MaxConcurrency"] = "4";
        }

        var gateway = HostProcess.Start("embedded", ClusterFixture.BuiltDll("Frontend", "OrleansGateway.Frontend.dll"), $"http://127.0.0.1:{FreePorts.Next()}", environment);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        await Eventually.UntilAsync(async () => await AnswersAsync(http, gateway.BaseUrl + "/health") || gateway.HasExited, "the embedded gateway to answer /health", TimeSpan.FromSeconds(120));
        Assert.False(gateway.HasExited, $"The embedded gateway exited while starting.\n{gateway.Tail()}");
        return gateway;
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, HostProcess gateway, string path, string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, gateway.BaseUrl + path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return http.SendAsync(request);
    }

    private static async Task StopAndAssertCleanAsync(HostProcess gateway, TimeSpan grace)
    {
        await gateway.StopAsync(grace);
        Assert.True(gateway.HasExited && gateway.ExitCode == 0, $"The embedded gateway did not exit with 0 after SIGTERM (exited: {gateway.HasExited}).\n{gateway.Tail()}");
        var lines = gateway.Output.Split('\n');
        var failures = Enumerable.Range(0, lines.Length)
            .Where(i => lines[i].StartsWith("fail:", StringComparison.Ordinal) && !IsReminderTableReadCutShort(lines, i))
            .ToList();
        Assert.True(failures.Count == 0, $"A clean stop logged {failures.Count} failure(s):\n{gateway.Tail(80)}");
    }

    /// <summary>
    /// Orleans' own reminder service reading its table (the in-memory reminder table grain) when the stop comes
    /// before that read finished: the service logs the cancelled read (102920) and messaging the unplaceable
    /// <c>remindertable</c> call (100071). Neither is the gateway's work, and no reminder is lost (memory reminders
    /// end with the process). Seen once in CI-sized runs, with a stop about a second after start.
    /// </summary>
    private static bool IsReminderTableReadCutShort(string[] lines, int failLine) =>
        lines[failLine].StartsWith("fail: Orleans.Runtime.ReminderService.LocalReminderService[102920]", StringComparison.Ordinal)
        || (lines[failLine].StartsWith("fail: Orleans.Messaging[100071]", StringComparison.Ordinal)
            && failLine + 1 < lines.Length
            && lines[failLine + 1].Contains("->[ remindertable/", StringComparison.Ordinal));

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
