using System.Collections.Immutable;
using OrleansGateway.Keys;

namespace OrleansGateway.Tests.Keys;

/// <summary>
/// The key grain under a fake clock: its limits as the single owner (rpm window with Retry-After,
/// max_parallel_requests, a budget concurrent admissions cannot overshoot), settlement charging the real
/// cost, release on failure, revocation and expiry, spend that survives the grain's deactivation, the
/// budget period's reset, and the registry's look-up by secret hash.
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

    [Fact]
    public async Task Admit_RpmReached_RefusedWithRetryAfterUntilTheWindowPasses()
    {
        var key = await CreateAsync(Settings(rpm: 2));
        Assert.True((await key.AdmitAsync(10, 0m)).Admitted);
        fixture.Time.Advance(TimeSpan.FromSeconds(20));
        Assert.True((await key.AdmitAsync(10, 0m)).Admitted);

        var refused = await key.AdmitAsync(10, 0m);
        Assert.Equal(KeyLimitKind.Requests, refused.Limit);
        Assert.Equal(40, refused.RetryAfterSeconds);

        fixture.Time.Advance(TimeSpan.FromSeconds(40));
        Assert.True((await key.AdmitAsync(10, 0m)).Admitted);
    }

    [Fact]
    public async Task Admit_MaxParallel_SlotComesBackOnSettleAndOnRelease()
    {
        var key = await CreateAsync(Settings(parallel: 1));
        var first = await key.AdmitAsync(1, 0m);
        Assert.True(first.Admitted);
        Assert.Equal(KeyLimitKind.Parallel, (await key.AdmitAsync(1, 0m)).Limit);

        await key.ReleaseAsync(first.ReservationId);
        var second = await key.AdmitAsync(1, 0m);
        Assert.True(second.Admitted);
        await key.SettleAsync(second.ReservationId, new KeySettlement("fake/fake-model", 1, 1, 0m, false));
        Assert.True((await key.AdmitAsync(1, 0m)).Admitted);
    }

    [Fact]
    public async Task Admit_ConcurrentRequestsAgainstBudget_ReserveTheLargestCostAndNeverOvershoot()
    {
        var key = await CreateAsync(Settings(budget: 1.00m));
        var admissions = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => key.AdmitAsync(100, 0.30m)));
        var admitted = admissions.Where(a => a.Admitted).ToList();
        Assert.Equal(3, admitted.Count);
        Assert.All(admissions.Where(a => !a.Admitted), a => Assert.Equal(KeyLimitKind.Budget, a.Limit));

        foreach (var admission in admitted)
        {
            await key.SettleAsync(admission.ReservationId, new KeySettlement("fake/fake-model", 50, 50, 0.25m, true));
        }

        var view = await key.GetAsync();
        Assert.Equal(0.75m, view!.Spend);
        Assert.False((await key.AdmitAsync(100, 0.30m)).Admitted);
        Assert.True((await key.AdmitAsync(100, 0.25m)).Admitted);
    }

    [Fact]
    public async Task Settle_RecordsUsagePerModelAndDay_AndSpendSurvivesDeactivation()
    {
        var key = await CreateAsync(Settings(budget: 10m));
        foreach (var (model, cost) in new[] { ("fake/a", 0.5m), ("fake/a", 0.25m), ("fake/b", 0m) })
        {
            var admission = await key.AdmitAsync(10, 1m);
            await key.SettleAsync(admission.ReservationId, new KeySettlement(model, 3, 4, cost, cost > 0));
        }

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
    public async Task Budget_PeriodEnds_SpendStartsAgainFromZero()
    {
        var key = await CreateAsync(Settings(budget: 1m, duration: TimeSpan.FromHours(1)));
        var admission = await key.AdmitAsync(10, 1m);
        await key.SettleAsync(admission.ReservationId, new KeySettlement("fake/a", 1, 1, 1m, true));
        var refused = await key.AdmitAsync(10, 0.5m);
        Assert.Equal(KeyLimitKind.Budget, refused.Limit);
        Assert.Equal(3600, refused.RetryAfterSeconds);

        fixture.Time.Advance(TimeSpan.FromHours(1));
        Assert.True((await key.AdmitAsync(10, 0.5m)).Admitted);
        Assert.Equal(0m, (await key.GetAsync())!.Spend);
    }

    [Fact]
    public async Task Admit_RevokedOrExpired_IsRefusedAsRevoked()
    {
        var revoked = await CreateAsync(Settings());
        await revoked.RevokeAsync();
        Assert.Equal(KeyLimitKind.Revoked, (await revoked.AdmitAsync(1, 0m)).Limit);
        Assert.True((await revoked.GetAuthAsync())!.Revoked);

        var expiring = await CreateAsync(Settings(expires: fixture.Time.GetUtcNow().AddMinutes(1)));
        Assert.True((await expiring.AdmitAsync(1, 0m)).Admitted);
        fixture.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(KeyLimitKind.Revoked, (await expiring.AdmitAsync(1, 0m)).Limit);
    }

    [Fact]
    public async Task Update_NewLimits_KeepTheWindowAndTheRequestsInFlight()
    {
        var key = await CreateAsync(Settings(rpm: 5));
        Assert.True((await key.AdmitAsync(1, 0m)).Admitted);
        Assert.True((await key.AdmitAsync(1, 0m)).Admitted);
        await key.UpdateAsync(Settings(rpm: 2));
        Assert.Equal(KeyLimitKind.Requests, (await key.AdmitAsync(1, 0m)).Limit);
        Assert.Equal(2, (await key.GetAsync())!.InFlight);
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
        Assert.Equal(new[] { "key-0", "key-1", "key-2" }, first.KeyIds.ToArray());
        Assert.True(first.HasMore);
        var second = await registry.ListAsync("key-2", 3);
        Assert.Equal(new[] { "key-3", "key-4" }, second.KeyIds.ToArray());
        Assert.False(second.HasMore);
    }
}
