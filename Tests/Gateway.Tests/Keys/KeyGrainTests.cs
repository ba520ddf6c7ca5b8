using OrleansGateway.Keys;

namespace OrleansGateway.Tests.Keys;

/// <summary>
/// The key grain under a fake clock, exchanging allowances as a frontend does: the rpm window with
/// Retry-After, reported usage recorded per model and day with spend that survives the grain's
/// deactivation, the budget period's reset, revocation and expiry, lower limits keeping the window and the
/// holds, and the registry's look-up by secret hash.
/// </summary>
public sealed class KeyGrainTests(KeyClusterFixture fixture) : IClassFixture<KeyClusterFixture>
{
    private static readonly ImmutableArray<byte> s_hash = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];

    private static VirtualKeySettings Settings(int? rpm = null, int? parallel = null, decimal? budget = null, TimeSpan? duration = null, DateTimeOffset? expires = null) =>
        new("team", [], rpm, null, parallel, budget, duration, expires, null);

    private async Task<IKeyGrain> CreateAsync(VirtualKeySettings settings)
    {
        var grain = fixture.Client.GetGrain<IKeyGrain>("key-" + Guid.NewGuid().ToString("N"));
        await grain.CreateAsync(settings, s_hash);
        return grain;
    }

    private long _sequence;

    private Task<KeyGrant> ExchangeAsync(IKeyGrain key, KeyGrantAsk? ask, decimal settled = 0m, params KeySettlement[] usage) =>
        key.GrantAsync(new KeyGrantRequest("test-frontend", ++_sequence, [], [.. usage], 0, settled, 0m, 0, 0, ask));

    private static KeyGrantAsk Ask(decimal cost = 0m) => new(10, 1, cost, 1, 10, 1, cost);

    [Fact]
    public async Task Grant_RpmReached_RefusedWithRetryAfterUntilTheWindowPasses()
    {
        var key = await CreateAsync(Settings(rpm: 2));
        Assert.True((await ExchangeAsync(key, Ask())).Granted);
        fixture.Time.Advance(TimeSpan.FromSeconds(20));
        Assert.True((await ExchangeAsync(key, Ask())).Granted);

        var refused = await ExchangeAsync(key, Ask());
        Assert.Equal(KeyLimitKind.Requests, refused.Refused);
        Assert.Equal(41, refused.RetryAfterSeconds);

        fixture.Time.Advance(TimeSpan.FromSeconds(41));
        Assert.True((await ExchangeAsync(key, Ask())).Granted);
    }

    [Fact]
    public async Task Grant_ReportedUsage_RecordedPerModelAndDay_AndSpendSurvivesDeactivation()
    {
        var key = await CreateAsync(Settings(budget: 10m));
        var grant = await ExchangeAsync(key, Ask(1m));
        Assert.Equal(1m, grant.Budget);
        await ExchangeAsync(key, null, 0.75m,
            new KeySettlement("fake/a", 3, 4, 0.5m, true), new KeySettlement("fake/a", 3, 4, 0.25m, true), new KeySettlement("fake/b", 3, 4, 0m, false));

        var usage = await key.GetUsageAsync();
        var a = Assert.Single(usage, u => u.Model == "fake/a");
        Assert.Equal((2L, 6L, 8L, 0.75m, true), (a.Requests, a.InputTokens, a.OutputTokens, a.Spend, a.Priced));
        Assert.False(Assert.Single(usage, u => u.Model == "fake/b").Priced);

        await fixture.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var view = await key.GetAsync();
        Assert.Equal(0.75m, view!.Spend);
        Assert.Equal(3, (await key.GetUsageAsync()).Sum(u => u.Requests));
    }

    [Fact]
    public async Task Grant_WindowsHoldsAndLastExchange_SurviveDeactivation()
    {
        var key = await CreateAsync(Settings(rpm: 3, parallel: 2, budget: 5m));
        var first = await ExchangeAsync(key, new KeyGrantAsk(10, 1, 2m, 2, 20, 1, 2m));
        Assert.Equal((2, 1, 2m), (first.Requests, first.Parallel, first.Budget));
        fixture.Time.Advance(TimeSpan.FromSeconds(30));

        // Every activation goes (as when every silo restarts); the stored state is all that is left.
        await fixture.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var view = await key.GetAsync();
        Assert.Equal(2, view!.RequestsInWindow);

        var replayed = await key.GrantAsync(new KeyGrantRequest("test-frontend", _sequence, [], [], 0, 0m, 0m, 0, 0, null));
        Assert.True(replayed.Replayed);
        Assert.Equal(first.GrantId, replayed.GrantId);

        // One request left in the window, one slot and 3 USD of budget: the holds of before still count.
        var second = await ExchangeAsync(key, new KeyGrantAsk(10, 1, 3m, 5, 50, 1, 3m));
        Assert.Equal((1, 1, 3m), (second.Requests, second.Parallel, second.Budget));
        Assert.NotEqual(first.GrantId, second.GrantId);
        var refused = await ExchangeAsync(key, Ask());
        Assert.Equal(KeyLimitKind.Requests, refused.Refused);
        Assert.Equal(31, refused.RetryAfterSeconds);
    }

    [Fact]
    public async Task Grant_BudgetPeriodEnds_SpendStartsAgainFromZero()
    {
        var key = await CreateAsync(Settings(budget: 1m, duration: TimeSpan.FromHours(1)));
        Assert.True((await ExchangeAsync(key, Ask(1m))).Granted);
        await ExchangeAsync(key, null, 1m, new KeySettlement("fake/a", 1, 1, 1m, true));
        var refused = await ExchangeAsync(key, Ask(0.5m));
        Assert.Equal(KeyLimitKind.Budget, refused.Refused);
        Assert.Equal(3600, refused.RetryAfterSeconds);

        fixture.Time.Advance(TimeSpan.FromHours(1));
        Assert.True((await ExchangeAsync(key, Ask(0.5m))).Granted);
        Assert.Equal(0m, (await key.GetAsync())!.Spend);
    }

    [Fact]
    public async Task Grant_RevokedExpiredOrUnknown_IsRefusedAsRevoked()
    {
        var revoked = await CreateAsync(Settings());
        await revoked.RevokeAsync();
        Assert.Equal(KeyLimitKind.Revoked, (await ExchangeAsync(revoked, Ask())).Refused);
        Assert.True((await revoked.GetAuthAsync())!.Revoked);

        var expiring = await CreateAsync(Settings(expires: fixture.Time.GetUtcNow().AddMinutes(1)));
        Assert.True((await ExchangeAsync(expiring, Ask())).Granted);
        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(KeyLimitKind.Revoked, (await ExchangeAsync(expiring, Ask())).Refused);

        var unknown = fixture.Client.GetGrain<IKeyGrain>("key-never-created");
        Assert.Equal(KeyLimitKind.Revoked, (await ExchangeAsync(unknown, Ask())).Refused);
    }

    [Fact]
    public async Task Update_LowerLimits_KeepTheWindowAndTheHolds()
    {
        var key = await CreateAsync(Settings(rpm: 5, parallel: 3));
        Assert.True((await ExchangeAsync(key, Ask())).Granted);
        Assert.True((await ExchangeAsync(key, Ask())).Granted);
        await key.UpdateAsync(Settings(rpm: 2, parallel: 3));
        Assert.Equal(KeyLimitKind.Requests, (await ExchangeAsync(key, Ask())).Refused);
        await key.UpdateAsync(Settings(rpm: 10, parallel: 2));
        Assert.Equal(KeyLimitKind.Parallel, (await ExchangeAsync(key, Ask())).Refused);
        Assert.Equal(2, (await key.GetAsync())!.RequestsInWindow);
    }

    [Fact]
    public async Task Registry_FindsKeysByHash_AndListsThemInPages()
    {
        var registry = fixture.Client.GetGrain<IKeyRegistryGrain>("registry-" + Guid.NewGuid().ToString("N"));
        for (var i = 0; i < 5; i++)
        {
            await registry.AddAsync($"key-{i}", $"hash-{i}");
        }

        await registry.AddAsync("key-0", "hash-0");
        Assert.Equal("key-3", await registry.FindAsync("hash-3"));
        Assert.Null(await registry.FindAsync("hash-9"));
        var first = await registry.ListAsync(null, 3);
        Assert.Equal(new[] { "key-0", "key-1", "key-2" }, first.Ids.ToArray());
        Assert.True(first.HasMore);
        var second = await registry.ListAsync("key-2", 3);
        Assert.Equal(new[] { "key-3", "key-4" }, second.Ids.ToArray());
        Assert.False(second.HasMore);
    }
}
