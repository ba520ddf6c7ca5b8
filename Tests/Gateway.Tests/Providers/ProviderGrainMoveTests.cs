namespace OrleansGateway.Tests.Providers;

/// <summary>
/// A provider grain moving to another activation (its silo stopping): queued callers are told to ask
/// again and reach the next activation, the lease table goes with the move, and a caller whose grant
/// was lost in the move gets the same slot when it asks again instead of a second one.
/// </summary>
[Collection(ProviderClusterCollection.Name)]
public sealed class ProviderGrainMoveTests(ProviderClusterFixture fixture)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);

    private IProviderGrain Grain(string name) => fixture.Client.GetGrain<IProviderGrain>(name);

    private static LeaseRequest Ask(Guid requestId) => new(RequestPriority.Interactive, requestId);

    [Fact]
    public async Task PrepareToMove_QueuedCaller_IsToldToAskAgainAndTheNextActivationOnTheOtherSiloGrantsIt()
    {
        var grain = Grain("move");
        var held = await grain.AcquireAsync(Ask(Guid.NewGuid()));
        Assert.True(held.Granted, held.Error?.Message);
        var waiterId = Guid.NewGuid();
        var waiting = grain.AcquireAsync(Ask(waiterId));
        await WaitUntilAsync(async () => (await grain.GetStatusAsync()).QueuedInteractive == 1, "the second acquire to queue");

        await grain.PrepareToMoveAsync();
        var answer = await waiting.WaitAsync(s_wait);
        Assert.True(answer.AskAgain && !answer.Granted, $"a queued caller of a moving grain must be told to ask again, got granted={answer.Granted} askAgain={answer.AskAgain}");

        // The grain moves itself to the other silo: the caller's next ask reaches the next activation, which
        // holds the handed-over lease at once, so the limit of 1 still holds and the caller queues there.
        var asking = grain.AcquireAsync(Ask(waiterId));
        await WaitUntilAsync(async () => (await grain.GetStatusAsync()).QueuedInteractive == 1, "the re-ask to queue at the next activation");
        Assert.Equal(1, (await grain.GetStatusAsync()).InFlight);
        Assert.True(await grain.RenewAsync(held.LeaseId), "the holder's lease moved with the grain");
        Assert.False(asking.IsCompleted, "the slot is still held by the handed-over lease");

        await grain.ReleaseAsync(held.LeaseId, CallOutcome.Success);
        var granted = await asking.WaitAsync(s_wait);
        Assert.True(granted.Granted, granted.Error?.Message);
        await grain.ReleaseAsync(granted.LeaseId, CallOutcome.Success);
        await WaitUntilAsync(async () => (await grain.GetStatusAsync()).InFlight == 0, "every slot to be free");
    }

    [Fact]
    public async Task Acquire_AnswerLostInTheMove_AskingAgainGetsTheSameLeaseNotASecondSlot()
    {
        var grain = Grain("lost");
        var requestId = Guid.NewGuid();

        // Granted, but the answer never reached the caller (its connection closed as the grain's silo stopped).
        var lost = await grain.AcquireAsync(Ask(requestId));
        Assert.True(lost.Granted, lost.Error?.Message);
        await fixture.Cluster.DeactivateAsync(grain);

        // The caller asks again with the same request id and reaches the next activation.
        var again = await grain.AcquireAsync(Ask(requestId));
        Assert.True(again.Granted, again.Error?.Message);
        Assert.True(again.LeaseId == lost.LeaseId, $"asking again for the same request must answer the same lease ({lost.LeaseId}), got {again.LeaseId}");
        var status = await grain.GetStatusAsync();
        Assert.True(status.InFlight == 1, $"one request holds one slot, whatever answers were lost; {status.InFlight} counted");

        // The limit of 2 holds: one more slot is free, a third caller waits.
        var other = await grain.AcquireAsync(Ask(Guid.NewGuid()));
        Assert.True(other.Granted, other.Error?.Message);
        var third = grain.AcquireAsync(Ask(Guid.NewGuid()));
        await WaitUntilAsync(async () => (await grain.GetStatusAsync()).QueuedInteractive == 1, "the third caller to queue");

        // Released once, the slot is free at once (not after its time-to-live) and goes to the waiter.
        await grain.ReleaseAsync(again.LeaseId, CallOutcome.Success);
        var granted = await third.WaitAsync(s_wait);
        Assert.True(granted.Granted, granted.Error?.Message);
        await grain.ReleaseAsync(other.LeaseId, CallOutcome.Success);
        await grain.ReleaseAsync(granted.LeaseId, CallOutcome.Success);
        await WaitUntilAsync(async () => (await grain.GetStatusAsync()).InFlight == 0, "every slot to be free");
    }

    [Fact]
    public async Task Acquire_SameRequestAskedTwiceOfOneActivation_OneSlot()
    {
        var grain = Grain("lost");
        var requestId = Guid.NewGuid();
        var first = await grain.AcquireAsync(Ask(requestId));
        var second = await grain.AcquireAsync(Ask(requestId));
        Assert.True(first.Granted && second.Granted && first.LeaseId == second.LeaseId, $"the same request asked twice got leases {first.LeaseId} and {second.LeaseId}");
        Assert.Equal(1, (await grain.GetStatusAsync()).InFlight);
        await grain.ReleaseAsync(first.LeaseId, CallOutcome.Success);
        await WaitUntilAsync(async () => (await grain.GetStatusAsync()).InFlight == 0, "the slot to be free");
    }

    [Fact]
    public async Task ChatRequest_QueuedWhileItsProviderGrainMoves_AsksAgainAndSucceeds()
    {
        var grain = Grain("moveexec");
        var held = await grain.AcquireAsync(Ask(Guid.NewGuid()));
        Assert.True(held.Granted, held.Error?.Message);
        var request = fixture.Client.GetGrain<IChatGrain>(0).CompleteAsync(Guid.NewGuid(), new ChatRequest("moveexec/m", [new ChatMessage("user", "queued across the move")]));
        await WaitUntilAsync(async () => (await grain.GetStatusAsync()).QueuedInteractive == 1, "the chat request to queue for a slot");

        await grain.PrepareToMoveAsync();
        await grain.ReleaseAsync(held.LeaseId, CallOutcome.Success);

        // The executor pauses between asks on the cluster's fake clock: move it on until the request is served.
        await WaitUntilAsync(() =>
        {
            fixture.Time.Advance(TimeSpan.FromMilliseconds(50));
            return Task.FromResult(request.IsCompleted);
        }, "the chat request to ask the next activation and finish");
        var outcome = await request;
        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        Assert.Equal("echo: queued across the move", outcome.Result!.Content);
        await WaitUntilAsync(async () => (await grain.GetStatusAsync()).InFlight == 0, "the request's slot to be released");
    }

    private static Task WaitUntilAsync(Func<Task<bool>> condition, string what) =>
        Eventually.UntilAsync(condition, what, s_wait);
}
