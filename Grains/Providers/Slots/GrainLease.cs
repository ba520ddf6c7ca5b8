namespace OrleansGateway.Providers;

/// <summary>
/// This process's side of one lease granted by a provider's grain: renewed in the background every third of
/// its time-to-live until it ends. It serves one request (<see cref="ProviderSlot"/>), or several in turn while
/// its process keeps it between requests (<see cref="ProviderSlotPool"/>).
/// </summary>
internal sealed class GrainLease
{
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeProvider _time;
    private long _confirmedAt;
    private int _ended;
    private volatile bool _lost;

    public GrainLease(IProviderGrain provider, LeaseResult lease, TimeProvider time)
    {
        Provider = provider;
        LeaseId = lease.LeaseId;
        TimeToLive = lease.TimeToLive;
        _time = time;
        _confirmedAt = time.GetTimestamp();
        _ = RenewLoopAsync(lease.TimeToLive / 3);
    }

    public IProviderGrain Provider { get; }

    public long LeaseId { get; }

    public TimeSpan TimeToLive { get; }

    /// <summary>
    /// Whether the grain surely still counts this slot as held: not refused at a renewal, and granted or
    /// renewed within half its time-to-live (renewals come every third, so only failed renewals age it).
    /// </summary>
    public bool IsSafeToReuse => !_lost && _time.GetElapsedTime(Volatile.Read(ref _confirmedAt)) < TimeToLive / 2;

    /// <summary>Stops renewing (once); true for the caller that ended it, who then tells the grain.</summary>
    public bool TryEnd()
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return false;
        }

        _stop.Cancel();
        return true;
    }

    /// <summary>Stops renewing and gives the slot back (once), reporting how the call went.</summary>
    public void Release(CallOutcome outcome)
    {
        if (TryEnd())
        {
            Provider.ReleaseAsync(LeaseId, outcome).Ignore();
        }
    }

    private async Task RenewLoopAsync(TimeSpan period)
    {
        var token = _stop.Token;
        while (true)
        {
            // Stopping is the common end: wait without throwing, since an OperationCanceledException
            // per request is a measurable cost on the hot path.
            await Task.Delay(period, _time, token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
            if (token.IsCancellationRequested)
            {
                return;
            }

            try
            {
                if (await Provider.RenewAsync(LeaseId))
                {
                    Volatile.Write(ref _confirmedAt, _time.GetTimestamp());
                }
                else
                {
                    // Expired or released at the grain: the slot may be someone else's now.
                    _lost = true;
                    return;
                }
            }
            catch (Exception)
            {
                // Tried again at the next period (unless stopped meanwhile); the lease's time-to-live covers the gap.
            }
        }
    }
}
