using OrleansGateway.Providers;

namespace OrleansGateway.Chat;

/// <summary>A granted provider slot whose lease is renewed in the background until <see cref="Release"/>.</summary>
public sealed class HeldLease
{
    private readonly CancellationTokenSource _stop = new();

    private HeldLease(IProviderGrain provider, long leaseId)
    {
        _provider = provider;
        LeaseId = leaseId;
    }

    /// <summary>The lease's id at its provider grain.</summary>
    public long LeaseId { get; }

    /// <summary>Starts renewing the lease every third of its time-to-live.</summary>
    public static HeldLease Start(IProviderGrain provider, LeaseResult lease, TimeProvider time)
    {
        var held = new HeldLease(provider, lease.LeaseId);
        _ = held.RenewLoopAsync(provider, lease.TimeToLive / 3, time);
        return held;
    }

    private readonly IProviderGrain _provider;
    private int _released;

    private void StopRenewing()
    {
        if (!_stop.IsCancellationRequested)
        {
            _stop.Cancel();
        }
    }

    /// <summary>Stops renewing and gives the slot back (once; later calls do nothing), reporting how the call went.</summary>
    public void Release(CallOutcome outcome)
    {
        StopRenewing();
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _provider.ReleaseAsync(LeaseId, outcome).Ignore();
        }
    }

    private async Task RenewLoopAsync(IProviderGrain provider, TimeSpan period, TimeProvider time)
    {
        var token = _stop.Token;
        while (true)
        {
            // Stopping is the common end (every request stops its renewals): wait without throwing,
            // since an OperationCanceledException per request is a measurable cost on the hot path.
            await Task.Delay(period, time, token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
            if (token.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await provider.RenewAsync(LeaseId);
            }
            catch (Exception)
            {
                // Tried again at the next period (unless stopped meanwhile); the lease's time-to-live covers the gap.
            }
        }
    }
}
