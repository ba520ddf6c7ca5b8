namespace OrleansGateway.Tests.Providers.Slots;

/// <summary>
/// A request's <see cref="ProviderSlot"/> against the real provider grain, through its public life only
/// (<see cref="ProviderSlot.AcquireAsync"/>, <see cref="ProviderSlot.Release"/>): when its process keeps a
/// finished slot for the next request (<see cref="ProviderSlotPool"/>) and when the slot goes back to the grain.
/// </summary>
[Collection(ProviderClusterCollection.Name)]
public sealed class ProviderSlotTests(ProviderClusterFixture fixture)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);

    // As the fixture configures provider "reuse": limit 8, slots kept for up to 100 ms.
    private static readonly ProviderOptions s_reuse = new() { MaxConcurrency = 8, LeaseReuseMilliseconds = 100 };

    private IProviderGrain Grain => fixture.Client.GetGrain<IProviderGrain>("reuse");

    [Fact]
    public async Task Release_WithRoomToSpare_KeepsTheSlotForTheNextRequest_AndGivesItBackWhenIdle()
    {
        using var pool = new ProviderSlotPool(Grain, fixture.Time);
        var first = await AcquireAsync(pool);
        Assert.False(first.Reused, "the first slot comes from the grain");
        var successesBefore = (await Grain.GetStatusAsync()).RecentSuccesses;
        first.Release(CallOutcome.Success);
        Assert.Equal(1, pool.KeptCount);
        Assert.Equal(1, (await Grain.GetStatusAsync()).InFlight);

        var second = await AcquireAsync(pool);
        Assert.True(second.Reused, "the next request takes the kept slot without asking the grain");
        Assert.Equal(first.LeaseId, second.LeaseId);
        Assert.Equal(1, pool.ReusedCount);
        first.Release(CallOutcome.Success);
        Assert.Equal(0, pool.KeptCount);
        second.Release(CallOutcome.Success);
        Assert.Equal(1, pool.KeptCount);

        // Half a window: the pool checks in (two successes, still room); a whole window idle: the slot goes back.
        fixture.Time.Advance(TimeSpan.FromMilliseconds(50));
        await WaitUntilAsync(async () => (await Grain.GetStatusAsync()).RecentSuccesses == successesBefore + 2, "the kept slot's successes to be counted");
        Assert.Equal(1, pool.KeptCount);
        await WaitUntilAsync(() =>
        {
            fixture.Time.Advance(TimeSpan.FromMilliseconds(50));
            return Task.FromResult(pool.KeptCount == 0);
        }, "the idle slot to leave the pool once the reuse window has passed");
        await WaitUntilAsync(async () => (await Grain.GetStatusAsync()).InFlight == 0, "the idle slot to go back to the grain");
    }

    [Fact]
    public async Task Release_AfterAFailure_WhileAnotherRequestAsks_OrOnceClosed_GivesTheSlotBack()
    {
        using var pool = new ProviderSlotPool(Grain, fixture.Time);
        (await AcquireAsync(pool)).Release(CallOutcome.ProviderFailure);
        Assert.Equal(0, pool.KeptCount);

        // Every slot taken, one by this process's request, the others elsewhere: a second request of this process waits at the grain.
        var held = await AcquireAsync(pool);
        var elsewhere = new List<long>();
        for (var i = 0; i < 7; i++)
        {
            var lease = await Grain.AcquireAsync(new LeaseRequest(RequestPriority.Interactive, Guid.NewGuid()));
            Assert.True(lease.Granted, lease.Error?.Message);
            elsewhere.Add(lease.LeaseId);
        }

        var waiting = AcquireAsync(pool);
        await WaitUntilAsync(async () => (await Grain.GetStatusAsync()).QueuedInteractive == 1, "the second request to queue at the grain");
        held.Release(CallOutcome.Success);
        Assert.Equal(0, pool.KeptCount);
        var granted = await waiting.WaitAsync(s_wait);
        Assert.False(granted.Reused, "the released slot went back to the grain, which gave it to the waiting request");
        granted.Release(CallOutcome.Neutral);
        foreach (var id in elsewhere)
        {
            await Grain.ReleaseAsync(id, CallOutcome.Success);
        }

        await WaitUntilAsync(async () => (await Grain.GetStatusAsync()).InFlight == 0, "every slot to be free");
        var kept = await AcquireAsync(pool);
        kept.Release(CallOutcome.Neutral);
        Assert.Equal(1, pool.KeptCount);
        pool.Dispose();
        Assert.Equal(0, pool.KeptCount);
        var afterClose = await AcquireAsync(pool);
        Assert.False(afterClose.Reused);
        afterClose.Release(CallOutcome.Success);
        Assert.Equal(0, pool.KeptCount);
        await WaitUntilAsync(async () => (await Grain.GetStatusAsync()).InFlight == 0, "every slot to be back once the pool is closed");
    }

    private Task<ProviderSlot> AcquireAsync(ProviderSlotPool pool) =>
        ProviderSlot.AcquireAsync(pool, s_reuse, RequestPriority.Interactive, fixture.Time, CancellationToken.None);

    private static Task WaitUntilAsync(Func<Task<bool>> condition, string what) =>
        Eventually.UntilAsync(condition, what, s_wait);
}
