using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using OrleansGateway.Hosting.Telemetry;

namespace OrleansGateway.Tests.Hosting.Telemetry;

[Collection(ProcessMetricsCollection.Name)]
public sealed class MetricsEndpointTests : IAsyncLifetime
{
    private const string Key = "metrics-test-key";

    private FakeProviderServer _provider = null!;

    public async Task InitializeAsync() => _provider = await FakeProviderServer.StartAsync();

    public async Task DisposeAsync() => await _provider.DisposeAsync();

    [Fact]
    public async Task Metrics_WithoutKey_Returns401()
    {
        await using var app = new GatewayApplication(_provider, new Dictionary<string, string?> { ["SECRET_TOKEN"] = Key });
        var response = await app.CreateClient().GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Metrics_WithBearerKey_CountsEachRequestBySurfaceRouteMethodAndStatus()
    {
        await using var app = new GatewayApplication(_provider, new Dictionary<string, string?> { ["SECRET_TOKEN"] = Key });
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        var chat = await app.PostAsync("/v1/chat/completions", new { model = "fake/fake-model", messages = new[] { new { role = "user", content = "hi" } } },
            request => request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key));
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);

        // ASP.NET Core records a request's duration as it ends; the scrape that follows may come first.
        string text = "";
        await Eventually.UntilAsync(
            async () =>
            {
                var response = await client.GetAsync("/metrics");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                text = await response.Content.ReadAsStringAsync();
                return text.Split('\n').Any(IsChatLine);
            },
            "the chat request in /metrics",
            TimeSpan.FromSeconds(10));

        // The request count is ASP.NET Core's own request duration's count, tagged with the gateway's surface (the
        // fake provider, an ASP.NET Core app in this process too, has an untagged series of its own for the route).
        var line = text.Split('\n').First(IsChatLine);
        Assert.Contains("http_response_status_code=\"200\"", line, StringComparison.Ordinal);
        Assert.Contains("http_request_method=\"POST\"", line, StringComparison.Ordinal);
        Assert.EndsWith(" 1", line.TrimEnd(), StringComparison.Ordinal);
        Assert.DoesNotContain(text.Split('\n'), l => l.StartsWith("aspnetcore_routing_match_attempts", StringComparison.Ordinal));

        static bool IsChatLine(string l) =>
            l.StartsWith("http_server_request_duration_seconds_count{", StringComparison.Ordinal) && l.Contains("http_route=\"/v1/chat/completions\"", StringComparison.Ordinal)
            && l.Contains("gateway_surface=\"openai\"", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_Open_ServedWithoutKeyWhileTheApiStillNeedsIt()
    {
        await using var app = new GatewayApplication(_provider, new Dictionary<string, string?>
        {
            ["SECRET_TOKEN"] = Key,
            ["Gateway:Telemetry:MetricsOpen"] = "true",
        });
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/v1/models")).StatusCode);
    }

    [Fact]
    public async Task Metrics_Off_NoEndpoint()
    {
        await using var app = new GatewayApplication(_provider, new Dictionary<string, string?> { ["Gateway:Telemetry:Metrics"] = "false" });
        Assert.Equal(HttpStatusCode.NotFound, (await app.CreateClient().GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task RequestLog_FinishedRequest_OneInformationLineWithMethodRouteStatusAndDuration()
    {
        var logs = new LogCapture();
        await using var app = new GatewayApplication(_provider, new Dictionary<string, string?> { ["Logging:LogLevel:OrleansGateway.Requests"] = "Information" })
        {
            ConfigureServices = services => services.AddSingleton<ILoggerProvider>(logs),
        };
        var response = await app.CreateClient().GetAsync("/v1/models");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var requestId = Assert.Single(response.Headers.GetValues("x-request-id"));

        await Eventually.UntilAsync(() => logs.Lines.Any(IsRequestLine), "the request line", TimeSpan.FromSeconds(10));
        var line = Assert.Single(logs.Lines, IsRequestLine);
        Assert.Matches(@"^Information OrleansGateway\.Requests: GET /v1/models 200 \d+\.\d ms model=- provider=- tokens=-/- request_id=" + Regex.Escape(requestId) + " trace_id=- $", line);
    }

    [Fact]
    public async Task RequestLog_ChatCompletion_LineNamesModelProviderTokensAndRequestId()
    {
        var logs = new LogCapture();
        await using var app = new GatewayApplication(_provider, new Dictionary<string, string?> { ["Logging:LogLevel:OrleansGateway.Requests"] = "Information" })
        {
            ConfigureServices = services => services.AddSingleton<ILoggerProvider>(logs),
        };
        var response = await app.PostAsync("/v1/chat/completions", new { model = "fake/fake-model", messages = new[] { new { role = "user", content = "say something short" } } },
            request => request.Headers.Add("x-request-id", "req-line-test-1"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var usage = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("usage");
        var prompt = usage.GetProperty("prompt_tokens").GetInt32();
        var completion = usage.GetProperty("completion_tokens").GetInt32();
        Assert.True(prompt > 0 && completion > 0, $"the fake provider reports usage (got {usage})");

        await Eventually.UntilAsync(() => logs.Lines.Any(IsRequestLine), "the request line", TimeSpan.FromSeconds(10));
        var line = Assert.Single(logs.Lines, IsRequestLine);
        Assert.Matches(
            @"^Information OrleansGateway\.Requests: POST /v1/chat/completions 200 \d+\.\d ms model=fake-model provider=fake tokens="
            + prompt + "/" + completion + " request_id=req-line-test-1 trace_id=- $",
            line);
    }

    [Fact]
    public async Task RequestLog_StreamedCompletion_LineHasTheStreamsModelAndTokens()
    {
        var logs = new LogCapture();
        await using var app = new GatewayApplication(_provider, new Dictionary<string, string?> { ["Logging:LogLevel:OrleansGateway.Requests"] = "Information" })
        {
            ConfigureServices = services => services.AddSingleton<ILoggerProvider>(logs),
        };
        var response = await app.PostAsync("/v1/chat/completions", new
        {
            model = "fake/fake-model",
            stream = true,
            stream_options = new { include_usage = true },
            messages = new[] { new { role = "user", content = "stream please" } },
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        var usageChunk = body.Split('\n').Where(l => l.StartsWith("data: {", StringComparison.Ordinal) && l.Contains("\"usage\":{", StringComparison.Ordinal)).Last();
        var usage = JsonDocument.Parse(usageChunk["data: ".Length..]).RootElement.GetProperty("usage");

        await Eventually.UntilAsync(() => logs.Lines.Any(IsRequestLine), "the request line", TimeSpan.FromSeconds(10));
        var line = Assert.Single(logs.Lines, IsRequestLine);
        Assert.Contains(
            $"model=fake-model provider=fake tokens={usage.GetProperty("prompt_tokens").GetInt32()}/{usage.GetProperty("completion_tokens").GetInt32()} ",
            line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestLog_Off_WritesNothing()
    {
        var logs = new LogCapture();
        await using var app = new GatewayApplication(_provider, new Dictionary<string, string?>
        {
            ["Logging:LogLevel:OrleansGateway.Requests"] = "Information",
            ["Gateway:Telemetry:RequestLog"] = "false",
        })
        {
            ConfigureServices = services => services.AddSingleton<ILoggerProvider>(logs),
        };
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync("/v1/models")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().GetAsync("/health")).StatusCode);
        Assert.DoesNotContain(logs.Lines, l => l.Contains(RequestTelemetryMiddleware.LogCategory, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/v1/chat/completions", "openai")]
    [InlineData("/V1/models", "openai")]
    [InlineData("/llm/generation", "llm")]
    [InlineData("/v1beta", "admin")]
    [InlineData("/health", "admin")]
    public void SurfaceOf_Path_NamesTheSurface(string path, string surface) =>
        Assert.Equal(surface, RequestTelemetryMiddleware.SurfaceOf(path));

    private static bool IsRequestLine(string line) => line.Contains(RequestTelemetryMiddleware.LogCategory + ":", StringComparison.Ordinal);
}
