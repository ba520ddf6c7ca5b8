namespace OrleansGateway.Tests.Providers;

[Collection(ProviderClusterCollection.Name)]
public sealed class ProviderGrainTests(ProviderClusterFixture fixture)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);

    private IProviderGrain Grain(string name) => fixture.Client.GetGrain<IProviderGrain>(name);

    private static LeaseRequest Interactive() => new(RequestPriority.Interactive);

    private static LeaseRequest Batch() => new(RequestPriority.Batch);

    [Fact]
    public async Task ChatRequests_SeveralTimesTheLimitFromTwoSilos_PeakEqualsLimitAndAllSucceed()
    {
        fixture.Provider.ResetCounters();
        fixture.Provider.Behavior = request => FakeProviderServer.DefaultBehavior(request) with { Delay = TimeSpan.FromMilliseconds(150) };
        var factories = fixture.SiloGrainFactories();
        Assert.Equal(2, factories.Count);

        var calls = Enumerable.Range(0, 24).Select(i =>
            factories[i % 2].GetGrain<IChatGrain>(0).CompleteAsync(Guid.NewGuid(), 
                new ChatRequest("limit/m", [new ChatMessage("user", $"request {i}")]))).ToList();
        var outcomes = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.All(outcomes, o => Assert.True(o.Succeeded, o.Error?.Message));
        Assert.Equal(Enumerable.Range(0, 24).Select(i => $"echo: request {i}"), outcomes.Select(o => o.Result!.Content));
        Assert.True(fixture.Provider.PeakInFlight == 4, $"Expected the provider to see exactly 4 requests in flight at the peak (the limit), saw {fixture.Provider.PeakInFlight}.");
        var status = await Grain("limit").GetStatusAsync();
        Assert.Equal(0, status.InFlight);
        Assert.Equal(24, status.RecentSuccesses);
    }

    [Fact]
    public async Task Lease_HolderDies_SlotFreedAfterTimeToLive()
    {
        var grain = Grain("lease");
        var dead = await grain.AcquireAsync(Interactive());
        Assert.True(dead.Granted);

        var waiting = grain.AcquireAsync(Interactive());
        await WaitUntilAsync(async () => (await grain.GetStatusAsync()).QueuedInteractive == 1, "the second acquire to queue");
        Assert.False(waiting.IsCompleted, "the slot is held: the second acquire must wait");

        fixture.Time.Advance(TimeSpan.FromSeconds(1.5));
        var granted = await waiting.WaitAsync(s_wait);
        Assert.True(granted.Granted, granted.Error?.Message);
        Assert.NotEqual(dead.LeaseId, granted.LeaseId);
        Assert.False(await grain.RenewAsync(dead.LeaseId), "the expired lease must not be renewable while the slot is taken");
        await grain.ReleaseAsync(granted.LeaseId, CallOutcome.Success);
    }

    [Fact]
    public async Task Lease_RenewedByHolder_OutlivesTimeToLive()
    {
        var grain = Grain("lease");
        var lease = await grain.AcquireAsync(Interactive());
        for (var i = 0; i < 4; i++)
        {
            fixture.Time.Advance(TimeSpan.FromMilliseconds(600));
            Assert.True(await grain.RenewAsync(lease.LeaseId), $"renewal {i} of a live lease must succeed");
        }

        Assert.Equal(1, (await grain.GetStatusAsync()).InFlight);
        await grain.ReleaseAsync(lease.LeaseId, CallOutcome.Success);
        await WaitUntilAsync(async () => (await grain.GetStatusAsync()).InFlight == 0, "the release to free the slot");
    }

    [Fact]
    public async Task FreshActivation_AfterGracefulDeactivation_AdoptsHandedOverLeasesAtOnce()
    {
        var grain = Grain("rebuild");
        var first = await grain.AcquireAsync(Interactive());
        var second = await grain.AcquireAsync(Batch());
        Assert.True(first.Granted && second.Granted);

        await fixture.Cluster.DeactivateAsync(grain);
        var status = await grain.GetStatusAsync();
        Assert.True(status.InFlight == 2, $"the new activation must hold the 2 handed-over leases at once, holds {status.InFlight}");

        var newcomer = grain.AcquireAsync(Interactive());
        Assert.True(await grain.RenewAsync(first.LeaseId), "a handed-over lease stays renewable");
        Assert.False(newcomer.IsCompleted, "both slots are held by handed-over leases");
        await grain.ReleaseAsync(second.LeaseId, CallOutcome.Success);
        var granted = await newcomer.WaitAsync(s_wait);
        Assert.True(granted.Granted, granted.Error?.Message);
        await grain.ReleaseAsync(first.LeaseId, CallOutcome.Success);
        await grain.ReleaseAsync(granted.LeaseId, CallOutcome.Success);
        await WaitUntilAsync(async () => (await grain.GetStatusAsync()).InFlight == 0, "every slot to be free");
    }

    [Fact]
    public async Task FreshActivation_AfterUncleanEnd_RebuildsCountFromRenewals()
    {
        var grain = Grain("rebuild");
        var first = await grain.AcquireAsync(Interactive());
        var second = await grain.AcquireAsync(Batch());
        Assert.True(first.Granted && second.Granted);

        // A crash: the activation ends without its deactivation write, so storage keeps what the
        // activation wrote when it started ("may have leases", nothing handed over).
        Assert.True(fixture.Store.TryGet("provider", grain.GetGrainId(), out var writtenAtActivation, out _), "the provider grain writes its state when activated");
        await fixture.Cluster.DeactivateAsync(grain);
        Assert.True(fixture.Store.TryGet("provider", grain.GetGrainId(), out _, out var etag));
        fixture.Store.Write("provider", grain.GetGrainId(), writtenAtActivation, etag);

        await WaitUntilAsync(async () => (await grain.GetStatusAsync()).InFlight == 0, "a fresh activation that has not seen the leases yet");

        // The holders are still calling: the new activation must not hand out their slots.
        var newcomer = grain.AcquireAsync(Interactive());
        Assert.True(await grain.RenewAsync(first.LeaseId), "a live holder's renewal is adopted by the new activation");
        Assert.True(await grain.RenewAsync(second.LeaseId), "a live holder's renewal is adopted by the new activation");
        var status = await grain.GetStatusAsync();
        Assert.Equal(2, status.InFlight);
        fixture.Time.Advance(TimeSpan.FromSeconds(0.5));
        Assert.True(await grain.RenewAsync(first.LeaseId));
        Assert.True(await grain.RenewAsync(second.LeaseId));
        fixture.Time.Advance(TimeSpan.FromSeconds(0.6));
        Assert.True(await grain.RenewAsync(first.LeaseId));
        Assert.True(await grain.RenewAsync(second.LeaseId));
        Assert.False(newcomer.IsCompleted, "both slots are held by adopted leases");

        await grain.ReleaseAsync(first.LeaseId, CallOutcome.Success);
        var granted = await newcomer.WaitAsync(s_wait);
        Assert.True(granted.Granted, granted.Error?.Message);
        Assert.Equal(2, (await grain.GetStatusAsync()).InFlight);
        await grain.ReleaseAsync(second.LeaseId, CallOutcome.Success);
        await grain.ReleaseAsync(granted.LeaseId, CallOutcome.Success);
        await WaitUntilAsync(async () => (await grain.GetStatusAsync()).InFlight == 0, "every slot to be free");
    }

    [Fact]
    public async Task Queue_InteractiveOvertakesQueuedBatch_WhileBatchKeepsItsShare()
    {
        var grain = Grain("prio");
        var held = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            held.Add((await grain.AcquireAsync(Interactive())).LeaseId);
        }

        var batch = new List<Task<LeaseResult>>();
        for (var i = 0; i < 3; i++)
        {
            batch.Add(grain.AcquireAsync(Batch()));
            await WaitUntilAsync(async () => (await grain.GetStatusAsync()).QueuedBatch == i + 1, $"batch waiter {i} to queue");
        }

        var interactive = new List<Task<LeaseResult>>();
        for (var i = 0; i < 3; i++)
        {
            interactive.Add(grain.AcquireAsync(Interactive()));
            await WaitUntilAsync(async () => (await grain.GetStatusAsync()).QueuedInteractive == i + 1, $"interactive waiter {i} to queue");
        }

        // Batch has no slot and its minimum share is ceil(5 * 0.2) = 1: the first freed slot goes to batch.
        await grain.ReleaseAsync(held[0], CallOutcome.Success);
        var b0 = await batch[0].WaitAsync(s_wait);
        Assert.True(b0.Granted);
        Assert.All(interactive, t => Assert.False(t.IsCompleted, "batch below its share goes first"));

        // Batch now holds its share: the next slots go to interactive requests, although batch queued first.
        await grain.ReleaseAsync(held[1], CallOutcome.Success);
        var i0 = await interactive[0].WaitAsync(s_wait);
        await grain.ReleaseAsync(held[2], CallOutcome.Success);
        var i1 = await interactive[1].WaitAsync(s_wait);
        Assert.True(i0.Granted && i1.Granted);
        Assert.False(batch[1].IsCompleted, "interactive requests overtake queued batch work once batch has its share");

        // Batch's leased slot finishes: batch is below its share again and gets the next slot.
        await grain.ReleaseAsync(b0.LeaseId, CallOutcome.Success);
        var b1 = await batch[1].WaitAsync(s_wait);
        Assert.True(b1.Granted);
        Assert.False(interactive[2].IsCompleted);

        var status = await grain.GetStatusAsync();
        Assert.Equal(5, status.InFlight);
        Assert.Equal(1, status.QueuedInteractive);
        Assert.Equal(1, status.QueuedBatch);

        foreach (var id in held.Skip(3).Append(i0.LeaseId).Append(i1.LeaseId).Append(b1.LeaseId))
        {
            await grain.ReleaseAsync(id, CallOutcome.Success);
        }

        var rest = await Task.WhenAll(interactive[2], batch[2]).WaitAsync(s_wait);
        foreach (var lease in rest)
        {
            await grain.ReleaseAsync(lease.LeaseId, CallOutcome.Success);
        }
    }

    [Fact]
    public async Task Queue_Full_RefusedAtOnceWithQueueFull()
    {
        var grain = Grain("queue");
        var holder = await grain.AcquireAsync(Interactive());
        var queued = grain.AcquireAsync(Interactive());
        await WaitUntilAsync(async () => (await grain.GetStatusAsync()).QueuedInteractive == 1, "the waiter to queue");

        var refused = await grain.AcquireAsync(Interactive()).WaitAsync(s_wait);
        Assert.False(refused.Granted);
        Assert.Equal(GatewayErrorKind.QueueFull, refused.Error.Kind);
        Assert.Contains("queue is full", refused.Error.Message);

        await grain.ReleaseAsync(holder.LeaseId, CallOutcome.Success);
        var granted = await queued.WaitAsync(s_wait);
        await grain.ReleaseAsync(granted.LeaseId, CallOutcome.Success);
    }

    [Fact]
    public async Task Queue_WaitLongerThanQueueTimeout_RefusedWithQueueFull()
    {
        var grain = Grain("queue");
        var holder = await grain.AcquireAsync(Interactive());
        var queued = grain.AcquireAsync(Interactive());
        await WaitUntilAsync(async () => (await grain.GetStatusAsync()).QueuedInteractive == 1, "the waiter to queue");

        fixture.Time.Advance(TimeSpan.FromSeconds(5));
        var refused = await queued.WaitAsync(s_wait);
        Assert.False(refused.Granted);
        Assert.Equal(GatewayErrorKind.QueueFull, refused.Error.Kind);
        Assert.Contains("within 5 s", refused.Error.Message);
        Assert.Equal(0, (await grain.GetStatusAsync()).QueuedInteractive);
        await grain.ReleaseAsync(holder.LeaseId, CallOutcome.Success);
    }

    [Fact]
    public async Task Queue_CallerCancelsWhileWaiting_SlotIsNotLost()
    {
        var grain = Grain("queue");
        var holder = await grain.AcquireAsync(Interactive());
        using var cancellation = new CancellationTokenSource();
        var leaving = grain.AcquireAsync(Interactive(), cancellation.Token);
        await WaitUntilAsync(async () => (await grain.GetStatusAsync()).QueuedInteractive == 1, "the waiter to queue");

        cancellation.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leaving.WaitAsync(s_wait));
        await WaitUntilAsync(async () => (await grain.GetStatusAsync()).QueuedInteractive == 0, "the cancelled waiter to leave the queue");

        await grain.ReleaseAsync(holder.LeaseId, CallOutcome.Success);
        await WaitUntilAsync(async () => (await grain.GetStatusAsync()).InFlight == 0, "the slot to be free: no lease may be left for the caller that went away");
        var next = await grain.AcquireAsync(Interactive()).WaitAsync(s_wait);
        Assert.True(next.Granted, next.Error?.Message);
        await grain.ReleaseAsync(next.LeaseId, CallOutcome.Success);
    }

    [Fact]
    public async Task ChatRequests_FromTwoSilosKeepingSlots_NeverPassTheLimit_AndKeptSlotsGoBack()
    {
        fixture.Provider.ResetCounters();
        fixture.Provider.Behavior = request => FakeProviderServer.DefaultBehavior(request) with { Delay = TimeSpan.FromMilliseconds(30) };
        var factories = fixture.SiloGrainFactories();
        for (var wave = 0; wave < 4; wave++)
        {
            // A wave of 20 (more than the limit of 8, so callers queue), then pairs (room to spare, so slots are kept and reused).
            var size = wave % 2 == 0 ? 20 : 2;
            var outcomes = await Task.WhenAll(Enumerable.Range(0, size).Select(i =>
                factories[i % 2].GetGrain<IChatGrain>(0).CompleteAsync(Guid.NewGuid(), new ChatRequest("reuse/m", [new ChatMessage("user", $"w{wave} r{i}")]))))
                .WaitAsync(TimeSpan.FromSeconds(60));
            Assert.All(outcomes, o => Assert.True(o.Succeeded, o.Error?.Message));
        }

        Assert.Equal(44, fixture.Provider.CompletedCount);
        Assert.True(fixture.Provider.PeakInFlight <= 8, $"the limit is 8 across both silos; the provider saw {fixture.Provider.PeakInFlight} at once");
        var grain = Grain("reuse");
        Assert.True((await grain.GetStatusAsync()).InFlight <= 8);

        // On this fixture's fake clock kept slots age only when it moves: reuse windows pass until they are all back.
        await WaitUntilAsync(async () =>
        {
            fixture.Time.Advance(TimeSpan.FromMilliseconds(50));
            return (await grain.GetStatusAsync()).InFlight == 0;
        }, "every kept slot to go back as the reuse window passes");
    }

    [Fact]
    public async Task Grant_HasRoomToSpare_OnlyWhileAQuarterOfTheSlotsStaysFreeForInteractiveCallers()
    {
        var grain = Grain("reuse");
        var held = new List<LeaseResult>();
        for (var i = 0; i < 7; i++)
        {
            held.Add(await grain.AcquireAsync(Interactive()));
        }

        // Limit 8: room to spare while at least 2 slots stay free after the grant.
        Assert.Equal([true, true, true, true, true, true, false], held.Select(l => l.RoomToSpare));
        var batch = await grain.AcquireAsync(Batch());
        Assert.False(batch.RoomToSpare, "batch slots are never kept");

        Assert.False(await grain.CheckInAsync([batch.LeaseId], 0), "7 of 8 still held: no room to spare");
        Assert.True(await grain.CheckInAsync([held[6].LeaseId], 0), "6 of 8 held: 2 free, room to spare again");
        var before = (await grain.GetStatusAsync()).RecentSuccesses;
        Assert.True(await grain.CheckInAsync([.. held.Take(6).Select(l => l.LeaseId)], 5), "all free again");
        var status = await grain.GetStatusAsync();
        Assert.Equal(0, status.InFlight);
        Assert.Equal(before + 5, status.RecentSuccesses);
    }

    private static Task WaitUntilAsync(Func<Task<bool>> condition, string what) =>
        Eventually.UntilAsync(condition, what, s_wait);
}
