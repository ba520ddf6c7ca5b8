using OrleansGateway.Chat;
using OrleansGateway.Providers;

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
        var answer = LeaseResult.Moving(new OrleansGateway.Errors.GatewayError(OrleansGateway.Errors.GatewayErrorKind.QueueFull, "moving"));

        queues.AnswerAll(answer);

        Assert.Equal(0, queues.Count);
        foreach (var waiter in waiters)
        {
            Assert.Same(answer, await waiter.Completion.Task);
        }
    }
}
