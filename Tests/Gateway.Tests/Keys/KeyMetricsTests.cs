using System.Diagnostics.Metrics;
using OrleansGateway.Frontend.Keys;

namespace OrleansGateway.Tests.Keys;

/// <summary>
/// Per-key metrics through HTTP: a key's admitted and refused requests, its reported tokens and its spend are
/// counted under its id and name (never its secret), and agree with the key's own usage.
/// </summary>
public sealed class KeyMetricsTests : IAsyncLifetime
{
    private const string AdminKey = "admin-secret";
    private FakeProviderServer _provider = null!;
    private GatewayApplication _gateway = null!;

    public async Task InitializeAsync()
    {
        _provider = await FakeProviderServer.StartAsync();
        _gateway = new GatewayApplication(_provider, new Dictionary<string, string?>
        {
            ["SECRET_TOKEN"] = AdminKey,
            ["Gateway:Providers:fake:Prices:fake-model:InputPerMillion"] = "1000000",
            ["Gateway:Providers:fake:Prices:fake-model:OutputPerMillion"] = "2000000",
        });
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _provider.DisposeAsync();
    }

    private HttpClient Client(string bearer)
    {
        var client = _gateway.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }

    [Fact]
    public async Task KeyRequests_AdmittedRefusedTokensAndSpend_AreCountedByKeyIdAndName_AndMatchItsUsage()
    {
        using var admin = Client(AdminKey);
        using var created = await admin.PostAsJsonAsync("/admin/keys", new { name = "metered", rpm_limit = 2 });
        var key = await GatewayApplication.ReadJsonAsync(created);
        var id = key.GetProperty("id").GetString()!;
        var secret = key.GetProperty("key").GetString()!;

        var measurements = new ConcurrentBag<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name.StartsWith("gateway.key.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value;
            }

            if (Equals(copy.GetValueOrDefault("gateway.key.id"), id))
            {
                measurements.Add((instrument.Name, value, copy));
            }
        }

        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        listener.Start();

        using (var user = Client(secret))
        {
            var chat = new { model = "fake/fake-model", max_tokens = 10, messages = new[] { new { role = "user", content = "Say hello." } } };
            Assert.Equal(HttpStatusCode.OK, (await user.PostAsJsonAsync("/v1/chat/completions", chat)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await user.PostAsJsonAsync("/v1/chat/completions", chat)).StatusCode);
            Assert.Equal(HttpStatusCode.TooManyRequests, (await user.PostAsJsonAsync("/v1/chat/completions", chat)).StatusCode);
        }

        var usage = await GatewayApplication.ReadJsonAsync(await admin.GetAsync($"/admin/keys/{id}/usage"));
        var day = Assert.Single(usage.GetProperty("data").EnumerateArray());
        // Observable counters: one collection, as an exporter's, reads the running totals.
        listener.RecordObservableInstruments();
        double Sum(string instrument, string? tag = null, string? value = null) =>
            measurements.Where(m => m.Instrument == instrument && (tag is null || Equals(m.Tags.GetValueOrDefault(tag), value))).Sum(m => m.Value);

        Assert.Equal(2, Sum(KeyMetrics.RequestsInstrument, "gateway.key.outcome", "admitted"));
        Assert.Equal(1, Sum(KeyMetrics.RequestsInstrument, "gateway.key.outcome", "rpm_limit"));
        Assert.Equal(day.GetProperty("input_tokens").GetInt64(), Sum(KeyMetrics.TokensInstrument, "gen_ai.token.type", "input"));
        Assert.Equal(day.GetProperty("output_tokens").GetInt64(), Sum(KeyMetrics.TokensInstrument, "gen_ai.token.type", "output"));
        Assert.Equal((double)day.GetProperty("spend").GetDecimal(), Sum(KeyMetrics.SpendInstrument), 6);
        Assert.All(measurements, m => Assert.Equal("metered", m.Tags["gateway.key.name"]));
        Assert.All(measurements, m => Assert.Equal("fake/fake-model", m.Tags["gen_ai.request.model"]));
        Assert.DoesNotContain(measurements, m => m.Tags.Values.Any(v => v is string s && s.Contains(secret, StringComparison.Ordinal)));
    }
}
