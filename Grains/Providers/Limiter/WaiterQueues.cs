using OrleansGateway.Chat;

namespace OrleansGateway.Providers;

/// <summary>
/// The callers waiting for a provider's slots: first-in first-out per priority, interactive served ahead of
/// batch unless batch holds fewer slots than its reserved minimum share. Not thread-safe.
/// </summary>
public sealed class WaiterQueues
{
    private readonly LinkedList<LeaseWaiter> _interactive = new();
    private readonly LinkedList<LeaseWaiter> _batch = new();

    /// <summary>Interactive callers waiting.</summary>
    public int InteractiveCount => _interactive.Count;

    /// <summary>Batch callers waiting.</summary>
    public int BatchCount => _batch.Count;

    /// <summary>Every caller waiting.</summary>
    public int Count => _interactive.Count + _batch.Count;

    /// <summary>Queues a caller at the end of its priority's queue.</summary>
    public LeaseWaiter Enqueue(RequestPriority priority, Guid requestId, string? holder = null)
    {
        var waiter = new LeaseWaiter(priority, requestId, holder);
        waiter.Node = (priority == RequestPriority.Batch ? _batch : _interactive).AddLast(waiter);
        return waiter;
    }

    /// <summary>
    /// Queues a caller and waits for its answer, for up to <paramref name="wait"/> on <paramref name="time"/>'s clock;
    /// null (and out of the queue) when the wait ends first or <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public async Task<LeaseResult?> WaitAsync(RequestPriority priority, Guid requestId, string? holder, TimeSpan wait, TimeProvider time, CancellationToken cancellationToken)
    {
        var waiter = Enqueue(priority, requestId, holder);
        using (var delayCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            await Task.WhenAny(waiter.Completion.Task, Task.Delay(wait, time, delayCancellation.Token));
            delayCancellation.Cancel();
        }

        if (waiter.Completion.Task.IsCompleted)
        {
            return await waiter.Completion.Task;
        }

        Remove(waiter);
        waiter.Completion.TrySetCanceled();
        return null;
    }

    /// <summary>Takes a waiter out of its queue (it gave up); nothing when it has already left.</summary>
    public void Remove(LeaseWaiter waiter)
    {
        if (waiter.Node is { List: { } list } node)
        {
            list.Remove(node);
        }

        waiter.Node = null;
    }

    /// <summary>
    /// Takes the waiter the next free slot goes to: interactive first, unless batch holds fewer than
    /// <paramref name="batchReserved"/> slots (<paramref name="batchInFlight"/>). Skips waiters that already gave up.
    /// </summary>
    public LeaseWaiter? TakeNext(int batchInFlight, int batchReserved)
    {
        while (Count > 0)
        {
            var takeBatch = _batch.Count > 0 && (_interactive.Count == 0 || batchInFlight < batchReserved);
            var queue = takeBatch ? _batch : _interactive;
            var waiter = queue.First!.Value;
            queue.RemoveFirst();
            waiter.Node = null;
            if (!waiter.Completion.Task.IsCompleted)
            {
                return waiter;
            }
        }

        return null;
    }

    /// <summary>Answers every waiter with <paramref name="answer"/> and empties both queues.</summary>
    public void AnswerAll(LeaseResult answer)
    {
        foreach (var queue in new[] { _interactive, _batch })
        {
            while (queue.First is { } first)
            {
                queue.RemoveFirst();
                first.Value.Node = null;
                first.Value.Completion.TrySetResult(answer);
            }
        }
    }
}
