using OrleansGateway.Telemetry;

namespace OrleansGateway.Providers;

/// <summary>
/// A provider's slots as its grain counts and grants them: the limit, the free slots, the share batch keeps for
/// itself, whether a finished request may keep its slot, grants to callers and waiters, and the status and gauge
/// readings assembled from them.
/// </summary>
public sealed class ProviderCapacity(ProviderOptions? options, LeaseTable leases, CircuitBreaker circuit, WaiterQueues waiters)
{
    /// <summary>The slots across the cluster (0 for a provider that is not configured).</summary>
    public int MaxConcurrency => options?.MaxConcurrency ?? 0;

    /// <summary>The slots no lease holds.</summary>
    public int FreeSlots => MaxConcurrency - leases.Count;

    /// <summary>The slots batch may take ahead of interactive waiters: its minimum share, rounded up.</summary>
    public int BatchReserved => (int)Math.Ceiling(MaxConcurrency * (options?.BatchMinShare ?? 0));

    /// <summary>Whether a request is granted a slot at once: one is free, no recovery is under way and nobody waits.</summary>
    public bool GrantsAtOnce => FreeSlots > 0 && !leases.IsRecovering && waiters.Count == 0;

    /// <summary>
    /// Whether a process may keep a finished request's slot for its next one: the circuit is closed, the grain is not
    /// <paramref name="moving"/>, nobody waits, and at least a quarter of the slots (and at least two) are free.
    /// </summary>
    public bool HasRoomToSpare(bool moving) =>
        options is { LeaseReuseMilliseconds: > 0 }
        && circuit.State == CircuitState.Closed
        && !moving
        && !leases.IsRecovering
        && waiters.Count == 0
        && FreeSlots >= Math.Max(2, (MaxConcurrency + 3) / 4);

    /// <summary>Grants a new lease; an interactive one says whether its slot may be kept for the next request (<see cref="HasRoomToSpare"/>).</summary>
    public LeaseResult Grant(RequestPriority priority, Guid requestId, string? holder, bool moving)
    {
        var id = leases.Grant(priority, requestId, holder);
        return LeaseResult.Grant(id, leases.TimeToLive, priority == RequestPriority.Interactive && HasRoomToSpare(moving));
    }

    /// <summary>
    /// Gives free slots to waiters: interactive first, unless batch is below its minimum share (<see cref="BatchReserved"/>).
    /// A waiter that went away meanwhile gives its slot back at once.
    /// </summary>
    public void GrantToWaiters(bool moving)
    {
        var batchReserved = BatchReserved;
        while (FreeSlots > 0 && waiters.TakeNext(leases.BatchCount, batchReserved) is { } waiter)
        {
            var lease = Grant(waiter.Priority, waiter.RequestId, waiter.Holder, moving);
            if (!waiter.Completion.TrySetResult(lease))
            {
                leases.Remove(lease.LeaseId);
            }
        }
    }

    /// <summary>The provider's limiter and health now, for <paramref name="provider"/>'s status read.</summary>
    public ProviderStatus Status(string provider, RecentOutcomes recent) => new(
        provider, MaxConcurrency, leases.Count, waiters.InteractiveCount, waiters.BatchCount,
        recent.Successes, recent.Failures, circuit.StateNow.ToString().ToLowerInvariant());

    /// <summary>What the provider gauges read.</summary>
    public ProviderGaugeReading GaugeReading() =>
        new(MaxConcurrency, leases.Count, waiters.InteractiveCount, waiters.BatchCount, circuit.StateNow);
}
