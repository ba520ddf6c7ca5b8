namespace OrleansGateway.Tests.Chat;

/// <summary>
/// Slots kept between requests (<see cref="ProviderSlotPool"/>) through the real gateway: back-to-back requests
/// reuse one slot without asking the provider's grain, a burst still never passes the limit, a failed call's
/// slot goes straight back, and every kept slot is back at the grain, with its successes counted, soon after the traffic stops.
/// </summary>
public sealed class LeaseReuseTests(KestrelGatewayFixture fixture) : KestrelGatewayTest(fixture, s_settings)
{
    private static readonly TimeSpan s_settle = TimeSpan.FromSeconds(5);

    /// <summary>A provider (limit 8) whose finished requests' slots the process keeps for 100 ms (the default).</summary>
    private static readonly Dictionary<string, string?> s_settings = new()
    {
        ["Gateway:Providers:fake:MaxConcurrency"] = "8",
        ["Gateway:Providers:fake:LeaseReuseMilliseconds"] = "100",
        ["Gateway:Providers:fake:MaxRetries"] = "0",
    };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Fixture.Provider.Behavior = FakeProviderServer.DefaultBehavior;
        Fixture.Provider.ResetCounters();
    }

    private ProviderSlotPool Pool => Fixture.Gateway.Services.GetRequiredService<ChatExecutor>().PoolOf("fake");

    [Fact]
    public async Task BackToBackRequests_ReuseOneSlot_ThenItGoesBackWithItsSuccessesCounted()
    {
        Assert.Equal(0, await Fixture.WaitForNoSlotInUseAsync(s_settle));
        var successesBefore = (await Fixture.ProviderStatusAsync()).RecentSuccesses;
        var reusedBefore = Pool.ReusedCount;
        using var client = Fixture.CreateClient();
        for (var i = 0; i < 20; i++)
        {
            using var response = await client.PostAsync("/v1/chat/completions", Json($"n{i}"));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, text);
            Assert.Contains($"echo: n{i}", text, StringComparison.Ordinal);
        }

        // Each request after the first finds the slot kept (a stall over 100 ms on a busy test machine may cost one).
        var reused = Pool.ReusedCount - reusedBefore;
        Assert.True(reused >= 15, $"expected nearly all of the 19 requests after the first to reuse the kept slot; {reused} did");
        Assert.Equal(1, Fixture.Provider.PeakInFlight);
        Assert.True((await Fixture.ProviderStatusAsync()).InFlight <= 1, "one slot served all twenty requests");
        Assert.Equal(0, await Fixture.WaitForNoSlotInUseAsync(s_settle));
        Assert.Equal(0, Pool.KeptCount);
        await Eventually.UntilAsync(async () => (await Fixture.ProviderStatusAsync()).RecentSuccesses == successesBefore + 20,
            "the grain counts all twenty successes", s_settle);
    }

    [Fact]
    public async Task Burst_NeverPassesTheLimit_AndLeavesNoSlotHeld()
    {
        Fixture.Provider.Behavior = request => FakeReply.Text("echo: " + request.LastUserMessage) with { Delay = TimeSpan.FromMilliseconds(40) };
        using var client = Fixture.CreateClient();
        for (var wave = 0; wave < 3; wave++)
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(async n =>
            {
                using var response = await client.PostAsync("/v1/chat/completions", Json($"w{wave}n{n}"));
                return (response.StatusCode, Text: await response.Content.ReadAsStringAsync());
            }));
            Assert.All(answers, a => Assert.True(a.StatusCode == HttpStatusCode.OK, a.Text));
        }

        Assert.Equal(90, Fixture.Provider.CompletedCount);
        Assert.True(Fixture.Provider.PeakInFlight <= 8, $"the limit is 8; the provider saw {Fixture.Provider.PeakInFlight} at once");
        Assert.Equal(0, await Fixture.WaitForNoSlotInUseAsync(s_settle));
        Assert.Equal(0, Pool.KeptCount);
    }

    [Fact]
    public async Task FailedCall_IsNotKept_AndCountsAsAFailureAtOnce()
    {
        Assert.Equal(0, await Fixture.WaitForNoSlotInUseAsync(s_settle));
        var failuresBefore = (await Fixture.ProviderStatusAsync()).RecentFailures;
        Fixture.Provider.Behavior = _ => FakeReply.Error(500);
        using var client = Fixture.CreateClient();
        using var response = await client.PostAsync("/v1/chat/completions", Json("fails"));
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);

        Assert.Equal(0, Pool.KeptCount);
        await Eventually.UntilAsync(async () => (await Fixture.ProviderStatusAsync()) is { InFlight: 0 } status && status.RecentFailures == failuresBefore + 1,
            "the failed call's slot is back and its failure counted", s_settle);
    }

    private static StringContent Json(string text) =>
        new(JsonSerializer.Serialize(new { model = "fake/fake-model", messages = new[] { new { role = "user", content = text } } }), Encoding.UTF8, "application/json");
}
