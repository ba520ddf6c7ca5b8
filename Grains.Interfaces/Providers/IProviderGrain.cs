using Orleans.Concurrency;

namespace OrleansGateway.Providers;

/// <summary>
/// One per provider (keyed by its name): the lease manager that holds the provider's
/// <c>MaxConcurrency</c> across the whole cluster. Callers acquire a slot, call the provider
/// where they run, renew the lease while the call lasts, and release it.
/// </summary>
[Alias("gw.IProviderGrain")]
public interface IProviderGrain : IGrainWithStringKey
{
    /// <summary>Waits (first-in first-out, by priority) for a slot, or says why none is given.</summary>
    [Alias("Acquire"), ResponseTimeout("00:10:00")]
    Task<LeaseResult> AcquireAsync(LeaseRequest request, CancellationToken cancellationToken = default);

    /// <summary>Extends held leases by their time-to-live; returns false for one that had expired.</summary>
    [Alias("Renew")]
    Task<bool> RenewAsync(long leaseId);

    /// <summary>Gives a slot back and reports how the call went.</summary>
    [Alias("Release"), OneWay]
    Task ReleaseAsync(long leaseId, CallOutcome outcome);

    /// <summary>
    /// Gives back slots a process kept for reuse and no longer needs, counts calls that succeeded on
    /// kept slots, and says whether the provider still has room to spare (so the process may go on keeping slots).
    /// </summary>
    [Alias("CheckIn")]
    Task<bool> CheckInAsync(long[] returnedLeaseIds, int successes);

    /// <summary>
    /// Its silo is shutting down: from now on a request that would wait is answered "ask again" instead of
    /// queued, and those already queued are answered so; then the grain migrates to another active silo,
    /// handing its lease table to the next activation, which the callers' next asks reach.
    /// </summary>
    [Alias("PrepareToMove")]
    Task PrepareToMoveAsync();

    /// <summary>The limit, slots in use, queue lengths, recent errors and circuit state.</summary>
    [Alias("GetStatus")]
    Task<ProviderStatus> GetStatusAsync();
}
