namespace OrleansGateway.Providers;

/// <summary>
/// The leases a provider's grain has granted: who holds a slot (by lease id, priority in its lowest bit, and
/// the caller's request id), until when (a lease expires unless renewed within its time-to-live), and the
/// recovery after an unclean end, when renewals of leases granted by the previous activation rebuild the
/// count before new slots are given. Not thread-safe: its owner calls it one call at a time.
/// </summary>
public sealed class LeaseTable
{
    private readonly Dictionary<long, Entry> _leases = [];
    private readonly Dictionary<Guid, long> _leaseOfRequest = [];
    private readonly HashSet<long> _releasedWhileRecovering = [];
    private readonly TimeProvider _time;
    private long _nextLeaseId;
    private DateTimeOffset _recoveringUntil;

    public LeaseTable(TimeSpan timeToLive, TimeProvider time)
    {
        TimeToLive = timeToLive;
        _time = time;
        // Lease ids are unique across activations: time-based high bits, priority in the lowest bit.
        _nextLeaseId = time.GetUtcNow().ToUnixTimeMilliseconds() << 12;
    }

    /// <summary>How long a lease lives without a renewal.</summary>
    public TimeSpan TimeToLive { get; }

    /// <summary>Leases held (slots in use).</summary>
    public int Count => _leases.Count;

    /// <summary>Leases held by batch callers.</summary>
    public int BatchCount { get; private set; }

    /// <summary>Whether the table is still being rebuilt from renewals (no new slot is given meanwhile).</summary>
    public bool IsRecovering => _time.GetUtcNow() < _recoveringUntil;

    /// <summary>The priority a lease id carries in its lowest bit.</summary>
    public static RequestPriority PriorityOf(long leaseId) => (RequestPriority)(leaseId & 1);

    /// <summary>
    /// Starts from what the previous activation left in <paramref name="state"/>: after a clean end its handed-over
    /// leases are adopted at once (true); after an unclean end, with leases possibly outstanding, recovery begins
    /// (false); a first activation starts empty (null). Then marks the state as this activation's (leases may
    /// exist, not ended cleanly), for its owner to write.
    /// </summary>
    public bool? Restore(ProviderGrainState state, bool recordExists)
    {
        bool? restored = null;
        if (recordExists && state.MayHaveLeases)
        {
            if (state.EndedCleanly)
            {
                var leases = state.HandedOverLeases;
                var requests = state.HandedOverRequests;
                var holders = state.HandedOverHolders ?? [];
                for (var i = 0; i < leases.Length; i++)
                {
                    Adopt(leases[i], i < requests.Length ? requests[i] : Guid.Empty, i < holders.Length ? holders[i] : null);
                    _nextLeaseId = Math.Max(_nextLeaseId, leases[i] & ~1L);
                }

                restored = true;
            }
            else
            {
                // Holders may still be calling: renewals (every third of the time-to-live) rebuild the count.
                _recoveringUntil = _time.GetUtcNow() + TimeToLive;
                restored = false;
            }
        }

        state.MayHaveLeases = true;
        state.EndedCleanly = false;
        state.HandedOverLeases = [];
        state.HandedOverRequests = [];
        state.HandedOverHolders = [];
        state.ActivatedAt = _time.GetUtcNow();
        return restored;
    }

    /// <summary>Writes the live leases, their request ids and holders, index for index, into <paramref name="state"/> for the next activation.</summary>
    public void HandOver(ProviderGrainState state)
    {
        var leases = new long[_leases.Count];
        var requests = new Guid[_leases.Count];
        var holders = new string?[_leases.Count];
        var i = 0;
        foreach (var (id, entry) in _leases)
        {
            leases[i] = id;
            requests[i] = entry.RequestId;
            holders[i] = entry.Holder;
            i++;
        }

        state.HandedOverHolders = holders;

        state.MayHaveLeases = leases.Length > 0;
        state.EndedCleanly = true;
        state.HandedOverLeases = leases;
        state.HandedOverRequests = requests;
    }

    /// <summary>Grants a new lease; <paramref name="requestId"/> (unless empty) finds it again; <paramref name="holder"/> (unless null) is the silo that holds it.</summary>
    public long Grant(RequestPriority priority, Guid requestId, string? holder = null)
    {
        _nextLeaseId += 2;
        var id = _nextLeaseId | (long)priority;
        Add(id, priority, requestId, holder);
        return id;
    }

    /// <summary>The lease already granted to <paramref name="requestId"/>, renewed, if it is still held.</summary>
    public bool TryFindByRequest(Guid requestId, out long leaseId)
    {
        if (requestId != Guid.Empty && _leaseOfRequest.TryGetValue(requestId, out leaseId))
        {
            Extend(leaseId);
            return true;
        }

        leaseId = 0;
        return false;
    }

    /// <summary>
    /// Extends a held lease by its time-to-live. While recovering, a lease granted by the previous activation
    /// is adopted (unless it was released meanwhile); otherwise an unknown lease has expired or been released,
    /// and its slot may already be someone else's: false.
    /// </summary>
    public bool TryRenew(long leaseId)
    {
        if (_leases.ContainsKey(leaseId))
        {
            Extend(leaseId);
            return true;
        }

        if (IsRecovering && !_releasedWhileRecovering.Contains(leaseId))
        {
            Adopt(leaseId, Guid.Empty, null);
            return true;
        }

        return false;
    }

    /// <summary>A holder gives its lease back; true when it was held (so its outcome counts).</summary>
    public bool Release(long leaseId)
    {
        if (IsRecovering)
        {
            // A renewal racing its own release must not bring the lease back.
            _releasedWhileRecovering.Add(leaseId);
        }
        else if (_releasedWhileRecovering.Count > 0)
        {
            _releasedWhileRecovering.Clear();
        }

        return Remove(leaseId);
    }

    /// <summary>Drops a lease nobody will release (its grant reached no caller); true when it was held.</summary>
    public bool Remove(long leaseId)
    {
        if (!_leases.Remove(leaseId, out var entry))
        {
            return false;
        }

        if (PriorityOf(leaseId) == RequestPriority.Batch)
        {
            BatchCount--;
        }

        if (entry.RequestId != Guid.Empty)
        {
            _leaseOfRequest.Remove(entry.RequestId);
        }

        return true;
    }

    /// <summary>Drops the leases whose holders stopped renewing; returns their ids (empty when none).</summary>
    public IReadOnlyList<long> RemoveExpired()
    {
        var now = _time.GetUtcNow();
        return RemoveWhere(entry => entry.ExpiresAt <= now);
    }

    /// <summary>Drops the leases whose holder <paramref name="isGone"/> says is gone (its silo died); returns their ids (empty when none).</summary>
    public IReadOnlyList<long> RemoveHeldBy(Func<string, bool> isGone) =>
        RemoveWhere(entry => entry.Holder is { } holder && isGone(holder));

    private IReadOnlyList<long> RemoveWhere(Func<Entry, bool> drop)
    {
        if (_leases.Count == 0)
        {
            return [];
        }

        List<long>? dropped = null;
        foreach (var (id, entry) in _leases)
        {
            if (drop(entry))
            {
                (dropped ??= []).Add(id);
            }
        }

        if (dropped is null)
        {
            return [];
        }

        foreach (var id in dropped)
        {
            Remove(id);
        }

        return dropped;
    }

    private void Adopt(long leaseId, Guid requestId, string? holder)
    {
        if (!_leases.ContainsKey(leaseId))
        {
            Add(leaseId, PriorityOf(leaseId), requestId, holder);
        }
    }

    private void Add(long leaseId, RequestPriority priority, Guid requestId, string? holder)
    {
        _leases[leaseId] = new Entry(_time.GetUtcNow() + TimeToLive, requestId, holder);
        if (priority == RequestPriority.Batch)
        {
            BatchCount++;
        }

        if (requestId != Guid.Empty)
        {
            _leaseOfRequest[requestId] = leaseId;
        }
    }

    private void Extend(long leaseId) => _leases[leaseId] = _leases[leaseId] with { ExpiresAt = _time.GetUtcNow() + TimeToLive };

    private readonly record struct Entry(DateTimeOffset ExpiresAt, Guid RequestId, string? Holder);
}
