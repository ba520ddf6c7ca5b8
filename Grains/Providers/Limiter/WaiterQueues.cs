namespace OrleansGateway.Providers;

/// <summary>
/// The callers waiting for a provider's slots: first-in first-out per priority, interactive served ahead of
/// batch unless batch holds fewer slots than its reserved minimum share. Not thread-safe.
/// </summary>
public sealed class WaiterQueues
{
    private readonly LinkedList<LeaseWaiter> _interactive = new();
    private readonly LinkedList<LeaseWaiter> _batch = new();
    private readonly Dictionary<Guid, LeaseWaiter> _byRequest = [];

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
        if (requestId != Guid.Empty)
        {
            _byRequest[requestId] = waiter;
        }

        return waiter;
    }

    /// <summary>
    /// The waiter already queued for <paramref name="requestId"/>, now with one caller more, or null. A caller asks
    /// again with the same request id when its first ask's answer was lost (its silo connection closed, or the grain
    /// moved while the ask was on its way): joining the queued ask, rather than queueing a second one, keeps the
    /// first one from being granted a slot nobody would ever use or release.
    /// </summary>
    public LeaseWaiter? Join(Guid requestId)
    {
        if (requestId == Guid.Empty || !_byRequest.TryGetValue(requestId, out var waiter) || waiter.Node is null || waiter.Completion.Task.IsCompleted)
        {
            return null;
        }

        waiter.Callers++;
        return waiter;
    }

    /// <summary>
    /// Queues a caller and waits for its answer, for up to <paramref name="wait"/> on <paramref name="time"/>'s clock;
    /// null (and out of the queue) when the wait ends first or <paramref name="cancellationToken"/> is cancelled.
    /// An ask with the request id of one already queued joins it (<see cref="Join"/>); <c>Shared</c> tells whether
    /// another ask of the same request still waits on the answer.
    /// </summary>
    public async Task<(LeaseResult? Result, bool Shared)> WaitAsync(RequestPriority priority, Guid requestId, string? holder, TimeSpan wait, TimeProvider time, CancellationToken cancellationToken)
    {
        var waiter = Join(requestId) ?? Enqueue(priority, requestId, holder);
        using (var delayCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            await Task.WhenAny(waiter.Completion.Task, Task.Delay(wait, time, delayCancellation.Token));
            delayCancellation.Cancel();
        }

        waiter.Callers--;
        if (waiter.Completion.Task.IsCompletedSuccessfully)
        {
            return (waiter.Completion.Task.Result, waiter.Callers > 0);
        }

        // The wait ended (or another caller of the same ask gave up): out of the queue for every caller of this ask.
        Remove(waiter);
        waiter.Completion.TrySetCanceled();
        return (null, waiter.Callers > 0);
    }

    /// <summary>Takes a waiter out of its queue (it gave up); nothing when it has already left.</summary>
    public void Remove(LeaseWaiter waiter)
    {
        if (waiter.Node is { List: { } list } node)
        {
            list.Remove(node);
        }

        Forget(waiter);
    }

    private void Forget(LeaseWaiter waiter)
    {
        waiter.Node = null;
        if (_byRequest.TryGetValue(waiter.RequestId, out var known) && known == waiter)
        {
            _byRequest.Remove(waiter.RequestId);
        }
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
            Forget(waiter);
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
                Forget(first.Value);
                first.Value.Completion.TrySetResult(answer);
            }
        }
    }
}
