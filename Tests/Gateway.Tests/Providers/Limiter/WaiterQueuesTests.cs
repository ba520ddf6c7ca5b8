using Microsoft.Extensions.Time.Testing;

namespace OrleansGateway.Tests.Providers.Limiter;

public sealed class WaiterQueuesTests
{
    [Fact]
    public void TakeNext_InteractiveAheadOfBatch_FirstInFirstOutWithinEach()
    {
        var queues = new WaiterQueues();
        var b0 = queues.Enqueue(RequestPriority.Batch, Guid.NewGuid());
        var i0 = queues.Enqueue(RequestPriority.Interactive, Guid.NewGuid());
        var i1 = queues.Enqueue(RequestPriority.Interactive, Guid.NewGuid());
        Assert.Equal((2, 1, 3), (queues.InteractiveCount, queues.BatchCount, queues.Count));

        Assert.Same(i0, queues.TakeNext(batchInFlight: 0, batchReserved: 0));
        Assert.Same(i1, queues.TakeNext(batchInFlight: 0, batchReserved: 0));
        Assert.Same(b0, queues.TakeNext(batchInFlight: 0, batchReserved: 0));
        Assert.Null(queues.TakeNext(batchInFlight: 0, batchReserved: 0));
    }

    [Fact]
    public void TakeNext_BatchBelowItsShare_GoesFirst_ThenInteractiveAgain()
    {
        var queues = new WaiterQueues();
        var i0 = queues.Enqueue(RequestPriority.Interactive, Guid.NewGuid());
        var b0 = queues.Enqueue(RequestPriority.Batch, Guid.NewGuid());
        queues.Enqueue(RequestPriority.Batch, Guid.NewGuid());

        Assert.Same(b0, queues.TakeNext(batchInFlight: 0, batchReserved: 1));
        Assert.Same(i0, queues.TakeNext(batchInFlight: 1, batchReserved: 1));
        Assert.Equal(RequestPriority.Batch, queues.TakeNext(batchInFlight: 1, batchReserved: 1)!.Priority);
    }

    [Fact]
    public void Remove_AndWaitersThatGaveUp_AreNotServed()
    {
        var queues = new WaiterQueues();
        var left = queues.Enqueue(RequestPriority.Interactive, Guid.NewGuid());
        var gaveUp = queues.Enqueue(RequestPriority.Interactive, Guid.NewGuid());
        var served = queues.Enqueue(RequestPriority.Interactive, Guid.NewGuid());
        queues.Remove(left);
        queues.Remove(left);
        gaveUp.Completion.TrySetCanceled();

        Assert.Equal(2, queues.Count);
        Assert.Same(served, queues.TakeNext(batchInFlight: 0, batchReserved: 0));
        Assert.Equal(0, queues.Count);
    }

    [Fact]
    public async Task AnswerAll_AnswersEveryWaiterOfBothQueues_AndEmptiesThem()
    {
        var queues = new WaiterQueues();
        var waiters = new[] { queues.Enqueue(RequestPriority.Interactive, Guid.NewGuid()), queues.Enqueue(RequestPriority.Batch, Guid.NewGuid()) };
        var answer = LeaseResult.Moving(new GatewayError(GatewayErrorKind.QueueFull, "moving"));

        queues.AnswerAll(answer);

        Assert.Equal(0, queues.Count);
        foreach (var waiter in waiters)
        {
            Assert.Same(answer, await waiter.Completion.Task);
        }
    }

    [Fact]
    public async Task WaitAsync_Answered_ReturnsTheAnswer()
    {
        var queues = new WaiterQueues();
        var time = new FakeTimeProvider();
        var waiting = queues.WaitAsync(RequestPriority.Batch, Guid.NewGuid(), null, TimeSpan.FromSeconds(5), time, CancellationToken.None);
        var grant = LeaseResult.Grant(42, TimeSpan.FromSeconds(30));

        queues.TakeNext(batchInFlight: 0, batchReserved: 0)!.Completion.SetResult(grant);

        Assert.Same(grant, (await waiting.WaitAsync(TimeSpan.FromSeconds(10))).Result);
    }

    [Fact]
    public async Task WaitAsync_WaitEndsFirst_NullAndOutOfTheQueue()
    {
        var queues = new WaiterQueues();
        var time = new FakeTimeProvider();
        var waiting = queues.WaitAsync(RequestPriority.Interactive, Guid.NewGuid(), null, TimeSpan.FromSeconds(5), time, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(waiting.IsCompleted, "the wait has not ended yet");

        time.Advance(TimeSpan.FromSeconds(0.1));

        Assert.Null((await waiting.WaitAsync(TimeSpan.FromSeconds(10))).Result);
        Assert.Equal(0, queues.Count);
    }

    [Fact]
    public async Task WaitAsync_CallerCancels_NullAndOutOfTheQueue()
    {
        var queues = new WaiterQueues();
        using var cancellation = new CancellationTokenSource();
        var waiting = queues.WaitAsync(RequestPriority.Interactive, Guid.NewGuid(), null, TimeSpan.FromMinutes(5), new FakeTimeProvider(), cancellation.Token);

        cancellation.Cancel();

        Assert.Null((await waiting.WaitAsync(TimeSpan.FromSeconds(10))).Result);
        Assert.Equal(0, queues.Count);
        Assert.Null(queues.TakeNext(batchInFlight: 0, batchReserved: 0));
    }

    /// <summary>
    /// The race issue 16 names: an ask forwarded while the provider grain moved is still queued when its caller, told
    /// the call was lost, asks again with the same request id. The two asks must share one answer (one slot), not
    /// queue twice and leave a slot granted to an ask nobody waits for.
    /// </summary>
    [Fact]
    public async Task WaitAsync_SameRequestIdAskedAgainWhileQueued_BothAsksShareOneWaiterAndOneAnswer()
    {
        var queues = new WaiterQueues();
        var time = new FakeTimeProvider();
        var requestId = Guid.NewGuid();
        var lost = queues.WaitAsync(RequestPriority.Interactive, requestId, null, TimeSpan.FromSeconds(30), time, CancellationToken.None);
        var again = queues.WaitAsync(RequestPriority.Interactive, requestId, null, TimeSpan.FromSeconds(30), time, CancellationToken.None);
        Assert.Equal(1, queues.Count);

        var grant = LeaseResult.Grant(42, TimeSpan.FromSeconds(30));
        queues.TakeNext(batchInFlight: 0, batchReserved: 0)!.Completion.SetResult(grant);

        Assert.Null(queues.TakeNext(batchInFlight: 0, batchReserved: 0));
        var (first, _) = await lost.WaitAsync(TimeSpan.FromSeconds(10));
        var (second, _) = await again.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Same(grant, first);
        Assert.Same(grant, second);
    }

    [Fact]
    public async Task WaitAsync_SameRequestIdAfterTheFirstLeftTheQueue_QueuesAnew()
    {
        var queues = new WaiterQueues();
        var time = new FakeTimeProvider();
        var requestId = Guid.NewGuid();
        var first = queues.WaitAsync(RequestPriority.Interactive, requestId, null, TimeSpan.FromSeconds(1), time, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null((await first.WaitAsync(TimeSpan.FromSeconds(10))).Result);

        _ = queues.WaitAsync(RequestPriority.Interactive, requestId, null, TimeSpan.FromSeconds(30), time, CancellationToken.None);

        Assert.Equal(1, queues.Count);
        Assert.NotNull(queues.TakeNext(batchInFlight: 0, batchReserved: 0));
    }
}
