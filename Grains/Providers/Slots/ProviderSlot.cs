using OrleansGateway.Cluster;

namespace OrleansGateway.Providers;

/// <summary>
/// One request's hold on one of a provider's concurrency slots, from <see cref="AcquireAsync"/> to
/// <see cref="Release"/>. Acquiring takes, for an interactive request, a slot this process kept
/// (<see cref="ProviderSlotPool"/>), otherwise asks the provider's grain (waiting in its queue, asking again
/// while the grain moves, retrying while its silo is lost); the grain's lease is renewed in the background
/// (<see cref="GrainLease"/>) until the hold ends. Releasing ends the hold once: the slot goes back to the
/// grain with the call's outcome, or stays with the pool for this process's next request.
/// </summary>
public sealed class ProviderSlot
{
    // Between asks while a provider's grain moves: its old activation is deactivating for a few tens of milliseconds.
    private static readonly TimeSpan s_askAgainPause = TimeSpan.FromMilliseconds(50);

    private readonly GrainLease _lease;
    private readonly ProviderSlotPool? _pool;
    private int _released;

    internal ProviderSlot(GrainLease lease, ProviderSlotPool? pool, bool reused)
    {
        _lease = lease;
        _pool = pool;
        Reused = reused;
    }

    /// <summary>The lease's id at its provider grain.</summary>
    public long LeaseId => _lease.LeaseId;

    /// <summary>Whether the slot was one this process kept from an earlier request (no grain call was made).</summary>
    public bool Reused { get; }

    /// <summary>
    /// Takes a slot of <paramref name="pool"/>'s provider for one request; throws a <see cref="ProviderCallException"/>
    /// (not retryable) with the grain's reason when none is given, or when the caller goes away meanwhile.
    /// </summary>
    public static async Task<ProviderSlot> AcquireAsync(
        ProviderSlotPool pool, ProviderOptions options, RequestPriority priority, TimeProvider time, CancellationToken cancellationToken)
    {
        var reuse = priority == RequestPriority.Interactive && options.LeaseReuseMilliseconds > 0;
        if (reuse && pool.TryTake() is { } kept)
        {
            return kept;
        }

        LeaseResult? lease = null;
        pool.AcquireStarted();
        try
        {
            // In a cluster the provider's grain may have died with its silo: retried until it lives on another.
            // One request id for every ask, so an ask repeated after a lost answer gets the same slot, not a second one.
            var provider = pool.Provider;
            var request = new LeaseRequest(priority, Guid.NewGuid(), pool.Holder);
            lease = await SiloLossRetry.RunAsync(() => provider.AcquireAsync(request, cancellationToken), time, cancellationToken).ConfigureAwait(false);
            if (lease.AskAgain)
            {
                lease = await AskAgainWhileMovingAsync(provider, request, lease, options, time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new ProviderCallException(new GatewayError(GatewayErrorKind.Cancelled, "The request was cancelled while waiting for a slot."), retryable: false);
        }
        finally
        {
            // Only an interactive grant says whether this process may keep slots (batch grants never may).
            pool.AcquireEnded(reuse ? lease : null, options);
        }

        if (!lease.Granted)
        {
            throw new ProviderCallException(lease.Error, retryable: false);
        }

        return new ProviderSlot(new GrainLease(pool.Provider, lease, time), reuse ? pool : null, reused: false);
    }

    /// <summary>Ends this request's hold (once; later calls do nothing), reporting how the call went.</summary>
    public void Release(CallOutcome outcome)
    {
        if (Interlocked.Exchange(ref _released, 1) != 0)
        {
            return;
        }

        if (_pool is null || !_pool.TryKeep(_lease, outcome))
        {
            _lease.Release(outcome);
        }
    }

    /// <summary>
    /// The provider's grain is moving to another silo (its silo is stopping) and did not queue the request:
    /// asks again, with a short pause, until the next activation answers, for up to the provider's queue timeout.
    /// </summary>
    private static async Task<LeaseResult> AskAgainWhileMovingAsync(
        IProviderGrain provider, LeaseRequest request, LeaseResult lease, ProviderOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        var giveUpAt = time.GetUtcNow() + TimeSpan.FromSeconds(options.QueueTimeoutSeconds);
        while (lease.AskAgain && time.GetUtcNow() < giveUpAt)
        {
            await Task.Delay(s_askAgainPause, time, cancellationToken).ConfigureAwait(false);
            lease = await SiloLossRetry.RunAsync(() => provider.AcquireAsync(request, cancellationToken), time, cancellationToken).ConfigureAwait(false);
        }

        return lease;
    }
}
