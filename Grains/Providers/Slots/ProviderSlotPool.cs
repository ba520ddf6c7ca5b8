namespace OrleansGateway.Providers;

/// <summary>
/// This process's access to one provider's slots (one per provider, from <c>ChatExecutor.PoolOf</c>), and the
/// slots it keeps between interactive requests. Taking a slot from the
/// provider's grain and giving it back are two grain calls per request; while the grain says it has room
/// to spare (a quarter of its slots free, nobody waiting, circuit closed), a finished request's slot stays
/// here for up to <see cref="ProviderOptions.LeaseReuseMilliseconds"/> and the next request takes it
/// without a call. The limit holds as before, since a kept slot stays counted at the grain; what changes is
/// only which caller gets a free slot while there is room to spare, that is while nobody waits. A slot is
/// not kept while a request of this process is asking the grain for one, nor after a failed call.
/// A timer, every half reuse window while there is anything to do, gives back slots kept longer than the
/// window, reports the calls that succeeded on kept slots, and asks the grain whether it still has room;
/// when it has not, every kept slot goes back at once.
/// </summary>
public sealed class ProviderSlotPool : IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<(GrainLease Slot, long KeptAt)> _idle = [];
    private readonly List<long> _returning = [];
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private TimeSpan _window;
    private int _capacity;
    private long _roomUntil;
    private int _acquiring;
    private int _successes;
    private bool _ticking;
    private bool _checkingIn;
    private bool _closed;
    private long _reused;

    public ProviderSlotPool(IProviderGrain provider, TimeProvider time, string? holder = null)
    {
        Provider = provider;
        Holder = holder;
        _time = time;
        _timer = time.CreateTimer(static state => ((ProviderSlotPool)state!).OnTick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The provider's grain.</summary>
    public IProviderGrain Provider { get; }

    /// <summary>This process's silo (<c>SiloAddress.ToParsableString()</c>), named in its lease requests; null when unknown.</summary>
    public string? Holder { get; }

    /// <summary>Slots kept now, waiting for the next request.</summary>
    public int KeptCount
    {
        get
        {
            lock (_gate)
            {
                return _idle.Count;
            }
        }
    }

    /// <summary>Requests served on a kept slot, without a call to the grain, since the process started.</summary>
    public long ReusedCount => Interlocked.Read(ref _reused);

    /// <summary>A kept slot for a request, the most recently kept first, or null when none is kept.</summary>
    internal ProviderSlot? TryTake()
    {
        lock (_gate)
        {
            while (_idle.Count > 0)
            {
                var slot = _idle[^1].Slot;
                _idle.RemoveAt(_idle.Count - 1);
                if (slot.IsSafeToReuse)
                {
                    Interlocked.Increment(ref _reused);
                    return new ProviderSlot(slot, this, reused: true);
                }

                ReturnLocked(slot);
            }
        }

        return null;
    }

    /// <summary>Marks a request of this process as asking the grain for a slot: no slot is kept meanwhile, so the grain can give it to that request.</summary>
    internal void AcquireStarted() => Interlocked.Increment(ref _acquiring);

    /// <summary>Ends <see cref="AcquireStarted"/>; a granted interactive lease tells whether the grain had room to spare.</summary>
    internal void AcquireEnded(LeaseResult? result, ProviderOptions options)
    {
        Interlocked.Decrement(ref _acquiring);
        if (result is { Granted: true })
        {
            lock (_gate)
            {
                _window = TimeSpan.FromMilliseconds(options.LeaseReuseMilliseconds);
                _capacity = Math.Max(1, options.MaxConcurrency / 4);
                _roomUntil = result.RoomToSpare && _window > TimeSpan.Zero ? _time.GetTimestamp() + ToTicks(_window) : 0;
            }
        }
    }

    /// <summary>Keeps a finished request's slot when the grain had room to spare lately; false when the caller must give it back.</summary>
    internal bool TryKeep(GrainLease slot, CallOutcome outcome)
    {
        int successes;
        lock (_gate)
        {
            if (outcome != CallOutcome.ProviderFailure)
            {
                var now = _time.GetTimestamp();
                if (_closed || now >= _roomUntil || Volatile.Read(ref _acquiring) > 0 || _idle.Count >= _capacity || !slot.IsSafeToReuse)
                {
                    return false;
                }

                if (outcome == CallOutcome.Success)
                {
                    _successes++;
                }

                _idle.Add((slot, now));
                StartTickingLocked();
                return true;
            }

            // A failing provider: keep nothing until the grain says again that all is well, and report
            // the successes first, so that its count of consecutive failures sees them in order.
            _roomUntil = 0;
            successes = _successes;
            _successes = 0;
        }

        if (successes > 0)
        {
            Provider.CheckInAsync([], successes).Ignore();
        }

        return false;
    }

    /// <summary>Gives every kept slot back and keeps none from now on (the host is stopping).</summary>
    public void Dispose()
    {
        long[] returning;
        int successes;
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            ReturnAllKeptLocked();
            (returning, successes) = TakeReportLocked();
        }

        _timer.Dispose();
        if (returning.Length > 0 || successes > 0)
        {
            Provider.CheckInAsync(returning, successes).Ignore();
        }
    }

    private void OnTick()
    {
        long[] returning;
        int successes;
        lock (_gate)
        {
            if (_checkingIn || _closed)
            {
                return;
            }

            var expired = 0;
            while (expired < _idle.Count && _time.GetElapsedTime(_idle[expired].KeptAt) >= _window)
            {
                ReturnLocked(_idle[expired].Slot);
                expired++;
            }

            _idle.RemoveRange(0, expired);
            (returning, successes) = TakeReportLocked();
            if (returning.Length == 0 && successes == 0 && _idle.Count == 0)
            {
                _ticking = false;
                _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                return;
            }

            _checkingIn = true;
        }

        _ = CheckInAsync(returning, successes);
    }

    private async Task CheckInAsync(long[] returning, int successes)
    {
        var room = false;
        try
        {
            room = await Provider.CheckInAsync(returning, successes).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The grain may be moving to another silo: keep nothing until it answers again. Slots given
            // back here expire at the grain within their time-to-live, as a crashed holder's would.
        }

        long[] noRoom = [];
        lock (_gate)
        {
            _checkingIn = false;
            if (room && !_closed)
            {
                _roomUntil = _time.GetTimestamp() + ToTicks(_window);
            }
            else
            {
                _roomUntil = 0;
                ReturnAllKeptLocked();
                noRoom = [.. _returning];
                _returning.Clear();
            }
        }

        if (noRoom.Length > 0)
        {
            Provider.CheckInAsync(noRoom, 0).Ignore();
        }
    }

    private void ReturnLocked(GrainLease slot)
    {
        // Given back even when it may have expired at the grain: an id the grain no longer holds is ignored there.
        if (slot.TryEnd())
        {
            _returning.Add(slot.LeaseId);
        }
    }

    private void ReturnAllKeptLocked()
    {
        foreach (var (slot, _) in _idle)
        {
            ReturnLocked(slot);
        }

        _idle.Clear();
    }

    private (long[] Returning, int Successes) TakeReportLocked()
    {
        var returning = _returning.Count == 0 ? [] : _returning.ToArray();
        _returning.Clear();
        var successes = _successes;
        _successes = 0;
        return (returning, successes);
    }

    private void StartTickingLocked()
    {
        if (!_ticking)
        {
            _ticking = true;
            var period = _window / 2;
            _timer.Change(period, period);
        }
    }

    private long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);
}
