using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using OrleansGateway.FakeProvider;
using OrleansGateway.Tests.Infrastructure;

namespace OrleansGateway.Tests.Hosting.Telemetry;

/// <summary>
/// A real Prometheus server (Debian's <c>prometheus</c>, started by <c>scripts/test-services.sh</c>) scrapes a
/// gateway on loopback with the gateway key while it answers a few requests; the figures are read back through
/// Prometheus' own query API.
/// </summary>
[Collection(ProcessMetricsCollection.Name)]
public sealed class PrometheusScrapeTests : IAsyncLifetime
{
    private FakeProviderServer _provider = null!;

    public async Task InitializeAsync() => _provider = await FakeProviderServer.StartAsync();

    public async Task DisposeAsync() => await _provider.DisposeAsync();

    [Fact]
    public async Task Prometheus_ScrapesAGatewayUnderRequests_RequestCountsArriveWithLabels()
    {
        var prometheus = Required("GATEWAY_TEST_PROMETHEUS");
        var targets = Required("GATEWAY_TEST_PROMETHEUS_TARGETS");
        var token = Required("GATEWAY_TEST_PROMETHEUS_TOKEN");
        var run = "t" + Guid.NewGuid().ToString("N")[..12];

        await using var app = new GatewayApplication(_provider, new Dictionary<string, string?> { ["SECRET_TOKEN"] = token });
        var gateway = app.StartKestrel();
        using var client = new HttpClient { BaseAddress = gateway };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        for (var i = 0; i < 3; i++)
        {
            var chat = await client.PostAsync("/v1/chat/completions", Json(new { model = "fake/fake-model", messages = new[] { new { role = "user", content = $"hi {i}" } } }));
            Assert.Equal(HttpStatusCode.OK, chat.StatusCode);
        }

        var generation = await client.PostAsync("/llm/generation", Json(new { model = "fake/fake-model", user_prompt = "hello" }));
        Assert.Equal(HttpStatusCode.OK, generation.StatusCode);
        using (var anonymous = new HttpClient { BaseAddress = gateway })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/v1/models")).StatusCode);
        }

        var target = Path.Combine(targets, run + ".json");
        await File.WriteAllTextAsync(target, JsonSerializer.Serialize(new[] { new { targets = new[] { $"127.0.0.1:{gateway.Port}" }, labels = new { run } } }));
        try
        {
            using var query = new HttpClient { BaseAddress = new Uri(prometheus) };
            var byRoute = $"sum by (http_route, http_response_status_code, gateway_surface) (gateway_requests_total{{run=\"{run}\"}})";
            JsonElement[] series = [];
            await Eventually.UntilAsync(
                async () =>
                {
                    series = await QueryAsync(query, byRoute);
                    return Count(series, "/v1/chat/completions", "200") >= 3 && Count(series, "/llm/generation", "200") >= 1;
                },
                $"Prometheus to hold the gateway's requests (last answer: {string.Join(", ", series.Select(s => s.ToString()))})",
                TimeSpan.FromSeconds(60));

            Assert.Equal(3, Count(series, "/v1/chat/completions", "200"));
            Assert.Equal("openai", Label(series, "/v1/chat/completions", "200", "gateway_surface"));
            Assert.Equal(1, Count(series, "/llm/generation", "200"));
            Assert.Equal("llm", Label(series, "/llm/generation", "200", "gateway_surface"));
            Assert.Equal(1, Count(series, "/v1/models", "401"));

            var up = await QueryAsync(query, $"up{{run=\"{run}\"}}");
            Assert.Equal("1", Assert.Single(up).GetProperty("value")[1].GetString());
        }
        finally
        {
            File.Delete(target);
        }
    }

    private static string Required(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new Xunit.Sdk.XunitException(
                $"{variable} is not set: run the tests through scripts/test.sh, which installs Debian's prometheus (apt-get install prometheus) and starts it (scripts/test-services.sh).");

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");

    private static async Task<JsonElement[]> QueryAsync(HttpClient prometheus, string promql)
    {
        var response = await prometheus.GetAsync("/api/v1/query?query=" + Uri.EscapeDataString(promql));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(body.GetProperty("status").GetString() == "success", $"Prometheus query {promql} failed: {body}");
        return [.. body.GetProperty("data").GetProperty("result").EnumerateArray().Select(e => e.Clone())];
    }

    private static string? Status(JsonElement series) =>
        series.GetProperty("metric").TryGetProperty("http_response_status_code", out var status) ? status.GetString() : null;

    private static JsonElement? Find(JsonElement[] series, string route, string status) =>
        series.Where(s => s.GetProperty("metric").TryGetProperty("http_route", out var r) && r.GetString() == route && Status(s) == status)
            .Cast<JsonElement?>().FirstOrDefault();

    private static double Count(JsonElement[] series, string route, string status) =>
        Find(series, route, status) is { } found ? double.Parse(found.GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture) : 0;

    private static string? Label(JsonElement[] series, string route, string status, string label) =>
        Find(series, route, status)?.GetProperty("metric").GetProperty(label).GetString();
}
