namespace OrleansGateway.Keys;

/// <summary>
/// The limits of one virtual key, run by the key's grain as the single owner of its counters, handed out to
/// frontends as short-lived allowances so that a frontend admits requests without asking the grain each time.
/// <para>
/// An allowance (<see cref="Exchange"/>) is admitted in advance: its requests and tokens enter the 60-second
/// windows at once and count until <see cref="Window"/> after the allowance's last usable instant
/// (<see cref="AllowanceLife"/> after the grant), so every request admitted under it counts in every window it
/// falls in; what the frontend did not use is returned later and only lowers the counts. Parallel slots and
/// budget are holds: a frontend holds them until it returns them, the budget part it settled becoming spend.
/// An allowance is granted only if its smallest useful part (<see cref="KeyGrantAsk"/>: one request of the
/// asking request's size, a slot and budget for it where the frontend has none free) fits every limit next to everything counted and held, so the sum
/// over all frontends never exceeds a limit. A frontend not heard from for <see cref="LostHolderHold"/>
/// is taken for dead and its holds are reclaimed (its window entries leave with the window on their own).
/// </para>
/// All times come from the injected <see cref="TimeProvider"/>. Not thread-safe: owned by one grain.
/// </summary>
public sealed class KeyLimiter
{
    /// <summary>The rpm and tpm window length.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    /// <summary>How long a frontend may admit requests under an allowance after it asked for it.</summary>
    public static readonly TimeSpan DefaultAllowanceLife = TimeSpan.FromSeconds(1);

    /// <summary>How long the holds of a frontend that stopped exchanging are kept before they are reclaimed.</summary>
    public static readonly TimeSpan DefaultLostHolderHold = TimeSpan.FromMinutes(10);

    /// <summary>Retry-After for a request turned away by max_parallel_requests (no window to wait for).</summary>
    public static readonly TimeSpan ParallelRetryAfter = TimeSpan.FromSeconds(1);

    private KeyLimits _limits;
    private readonly TimeProvider _time;
    private readonly SlidingWindow _requests = new(Window);
    private readonly SlidingWindow _tokens = new(Window);
    private readonly BudgetLedger _budget;
    private readonly Dictionary<string, KeyHolder> _holders = new(StringComparer.Ordinal);
    private long _nextId;

    public KeyLimiter(KeyLimits limits, TimeProvider time, DateTimeOffset budgetAnchor, TimeSpan? allowanceLife = null, TimeSpan? lostHolderHold = null)
    {
        _limits = limits;
        _time = time;
        _budget = new BudgetLedger(limits.MaxBudget, limits.BudgetDuration, budgetAnchor);
        AllowanceLife = allowanceLife ?? DefaultAllowanceLife;
        LostHolderHold = lostHolderHold ?? DefaultLostHolderHold;
    }

    /// <summary>How long an allowance can be used after it was asked for.</summary>
    public TimeSpan AllowanceLife { get; }

    /// <summary>How long a silent frontend's holds are kept.</summary>
    public TimeSpan LostHolderHold { get; }

    /// <summary>Requests counted in the window now (admitted, or granted and not yet returned).</summary>
    public long RequestsInWindow => _requests.Used(_time.GetUtcNow());

    /// <summary>Tokens counted in the window now (reserved, granted or settled).</summary>
    public long TokensInWindow => _tokens.Used(_time.GetUtcNow());

    /// <summary>Requests in flight as the frontends last reported them.</summary>
    public int InFlight => _holders.Values.Sum(h => h.InFlight);

    /// <summary>Parallel slots held by frontends (in flight or kept for their next requests).</summary>
    public int ParallelHeld => _holders.Values.Sum(h => h.Parallel);

    /// <summary>Spend settled in the current budget period, USD.</summary>
    public decimal Spent => _budget.Spent;

    /// <summary>The start of the current budget period.</summary>
    public DateTimeOffset BudgetPeriodStart => _budget.PeriodStart(_time.GetUtcNow());

    /// <summary>Settled spend plus the budget held by frontends in the current period, USD.</summary>
    public decimal BudgetCommitted
    {
        get
        {
            var period = _budget.Period(_time.GetUtcNow());
            return _budget.Spent + BudgetHeld(period);
        }
    }

    /// <summary>
    /// New limits from the next grant; the windows, the holds and the period's spend carry over (a lower
    /// limit refuses until the windows have room and the frontends have returned enough).
    /// </summary>
    public void UpdateLimits(KeyLimits limits)
    {
        _limits = limits;
        _budget.Update(limits.MaxBudget, limits.BudgetDuration);
    }

    /// <summary>
    /// Restores <paramref name="spent"/>, settled in the period that began at <paramref name="periodStart"/>
    /// (from the key's stored state after a restart); spend of a period that has ended is not restored.
    /// </summary>
    public void RestoreSpent(DateTimeOffset periodStart, decimal spent) => _budget.Restore(_time.GetUtcNow(), periodStart, spent);

    /// <summary>What this limiter must store to resume exactly (windows, holds, last exchanges).</summary>
    public KeyLimiterState Export()
    {
        var now = _time.GetUtcNow();
        return new KeyLimiterState
        {
            NextId = _nextId,
            Requests = [.. _requests.Entries(now).Select(e => new KeyWindowEntry(e.Id, e.Until, e.Amount))],
            Tokens = [.. _tokens.Entries(now).Select(e => new KeyWindowEntry(e.Id, e.Until, e.Amount))],
            Holders = new Dictionary<string, KeyHolder>(_holders, StringComparer.Ordinal),
        };
    }

    /// <summary>Resumes from what <see cref="Export"/> gave (a new activation of the key's grain); entries that have left the window are dropped.</summary>
    public void Import(KeyLimiterState state)
    {
        var now = _time.GetUtcNow();
        _nextId = Math.Max(_nextId, state.NextId);
        foreach (var entry in state.Requests)
        {
            _requests.Add(entry.Id, now, entry.Until, entry.Amount);
        }

        foreach (var entry in state.Tokens)
        {
            _tokens.Add(entry.Id, now, entry.Until, entry.Amount);
        }

        foreach (var (name, holder) in state.Holders)
        {
            _holders[name] = holder;
        }
    }

    /// <summary>
    /// One frontend's exchange: applies its report (allowances used and returned, settled spend, holds given
    /// back), then, if it asks and <paramref name="revoked"/> is false, grants an allowance or names the limit
    /// that refuses it. An exchange already applied (same or older <see cref="KeyGrantRequest.Sequence"/>) is
    /// not applied again: the same one is answered as before, marked <see cref="KeyGrant.Replayed"/>.
    /// </summary>
    public KeyGrant Exchange(KeyGrantRequest request, bool revoked = false)
    {
        var now = _time.GetUtcNow();
        ReclaimLost(now, request.Holder);
        if (!_holders.TryGetValue(request.Holder, out var holder))
        {
            holder = new KeyHolder();
            _holders[request.Holder] = holder;
        }

        var period = _budget.Period(now);
        if (request.Sequence <= holder.LastSequence)
        {
            return request.Sequence == holder.LastSequence && holder.LastAnswer is { } last
                ? last with { Replayed = true }
                : Nothing(period) with { Replayed = true };
        }

        holder.LastSequence = request.Sequence;
        holder.LastSeen = now;
        foreach (var returned in request.Returns)
        {
            if (returned.RequestsUsed is { } used)
            {
                _requests.Set(returned.GrantId, now, used);
            }

            if (returned.TokenDelta != 0)
            {
                _tokens.Adjust(returned.GrantId, now, returned.TokenDelta);
            }
        }

        _budget.Charge(now, request.BudgetPeriod, request.BudgetSettled);
        if (holder.BudgetPeriod != period)
        {
            // The period the holder's budget was held in has ended: nothing it holds counts in this one.
            holder.Budget = 0m;
            holder.BudgetPeriod = period;
        }
        else if (request.BudgetPeriod == period)
        {
            holder.Budget = Math.Max(0m, holder.Budget - request.BudgetSettled - request.BudgetReturned);
        }

        holder.Parallel = Math.Max(0, holder.Parallel - request.ParallelReturned);
        holder.InFlight = Math.Max(0, request.InFlight);

        var answer = request.Ask is not { } ask ? Nothing(period)
            : revoked ? Refusal(KeyLimitKind.Revoked, null, period)
            : Grant(holder, ask, now, period);
        holder.LastAnswer = answer;
        return answer;
    }

    private KeyGrant Grant(KeyHolder holder, KeyGrantAsk ask, DateTimeOffset now, long period)
    {
        var minTokens = Math.Max(0, ask.MinTokens);
        var minCost = Math.Max(0m, ask.MinCost);
        var minSlots = Math.Max(0, ask.MinParallel);
        if (_limits.RpmLimit is { } rpm && _requests.TimeUntilFits(now, 1, rpm) is var requestWait && requestWait != TimeSpan.Zero)
        {
            return Refusal(KeyLimitKind.Requests, requestWait, period);
        }

        if (_limits.TpmLimit is { } tpm && _tokens.TimeUntilFits(now, minTokens, tpm) is var tokenWait && tokenWait != TimeSpan.Zero)
        {
            return Refusal(KeyLimitKind.Tokens, tokenWait, period);
        }

        var parallelHeld = ParallelHeld;
        if (_limits.MaxParallelRequests is { } parallel && parallelHeld + minSlots > parallel)
        {
            return Refusal(KeyLimitKind.Parallel, parallel > 0 ? ParallelRetryAfter : null, period);
        }

        var committed = _budget.Spent + BudgetHeld(period);
        if (_budget.MaxBudget is { } max && committed + minCost > max)
        {
            return Refusal(KeyLimitKind.Budget, minCost <= max ? _budget.UntilReset(now) : null, period);
        }

        // The smallest useful allowance fits; add up to what was asked, at most half of the room left, so
        // other frontends find room too.
        int? requests = _limits.RpmLimit is { } r ? 1 + (int)Share(_requests.Room(now, r) - 1, ask.Requests - 1L) : null;
        // Tokens and budget beyond the minimum come in whole multiples of it (the asking request's size), so a
        // slice never strands a remainder too small for a request of that size while others are refused.
        long? tokens = _limits.TpmLimit is { } t ? minTokens + Whole(Share(_tokens.Room(now, t) - minTokens, ask.Tokens - minTokens), minTokens) : null;
        int? slots = _limits.MaxParallelRequests is { } p ? minSlots + (int)Share(p - parallelHeld - minSlots, ask.Parallel - (long)minSlots) : null;
        decimal? budget = _budget.MaxBudget is { } b ? minCost + Whole(Share(b - committed - minCost, ask.Budget - minCost), minCost) : null;

        var id = ++_nextId;
        var until = now + AllowanceLife + Window;
        _requests.Add(id, now, until, requests ?? 0);
        _tokens.Add(id, now, until, tokens ?? 0);
        holder.Parallel += slots ?? 0;
        holder.Budget += budget ?? 0m;
        return new KeyGrant(id, KeyLimitKind.None, null, requests, tokens, slots, budget, period, AllowanceLife, false);
    }

    private static long Share(long room, long wanted) => Math.Clamp(wanted, 0, Math.Max(0, (room + 1) / 2));

    private static decimal Share(decimal room, decimal wanted) => Math.Clamp(wanted, 0m, Math.Max(0m, room / 2));

    private static long Whole(long amount, long unit) => unit > 0 ? amount / unit * unit : amount;

    private static decimal Whole(decimal amount, decimal unit) => unit > 0m ? Math.Floor(amount / unit) * unit : amount;

    private KeyGrant Nothing(long period) => new(0, KeyLimitKind.None, null, 0, 0, 0, 0m, period, AllowanceLife, false);

    private KeyGrant Refusal(KeyLimitKind limit, TimeSpan? wait, long period)
    {
        int? seconds = wait is { } w ? (int)Math.Max(1, Math.Ceiling(w.TotalSeconds)) : null;
        return new KeyGrant(0, limit, seconds, 0, 0, 0, 0m, period, AllowanceLife, false);
    }

    private decimal BudgetHeld(long period) => _holders.Values.Where(h => h.BudgetPeriod == period).Sum(h => h.Budget);

    private void ReclaimLost(DateTimeOffset now, string caller)
    {
        foreach (var (name, holder) in _holders)
        {
            if (name != caller && holder.LastSeen + LostHolderHold <= now)
            {
                _holders.Remove(name);
            }
        }
    }
}
