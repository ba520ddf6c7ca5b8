using OrleansGateway.Providers;

namespace OrleansGateway.Chat;

/// <summary>
/// A provider slot held for one request. <see cref="Release"/> ends the hold once: the slot goes back to
/// the provider's grain, or stays with this process for its next request when its <see cref="LeasePool"/> keeps it.
/// </summary>
public sealed class HeldLease
{
    private readonly LeaseSlot _slot;
    private readonly LeasePool? _pool;
    private int _released;

    internal HeldLease(LeaseSlot slot, LeasePool? pool)
    {
        _slot = slot;
        _pool = pool;
    }

    /// <summary>The lease's id at its provider grain.</summary>
    public long LeaseId => _slot.LeaseId;

    /// <summary>Ends this request's hold (once; later calls do nothing), reporting how the call went.</summary>
    public void Release(CallOutcome outcome)
    {
        if (Interlocked.Exchange(ref _released, 1) != 0)
        {
            return;
        }

        if (_pool is null || !_pool.TryKeep(_slot, outcome))
        {
            _slot.Release(outcome);
        }
    }
}
