namespace OrleansGateway.Keys;

/// <summary>
/// The limiter math of one virtual key, as the key's grain will run it: a request is admitted only when it
/// fits every limit at once (rpm and tpm as exact 60-second sliding windows, requests in flight, budget),
/// and then all of them are charged together, so a rejection leaves nothing behind. An admitted request
/// holds a reservation that ends exactly once: <see cref="Settle"/> with the reported (or estimated) usage,
/// or <see cref="Release"/> on failure or cancellation, which gives back its tokens, its budget and its
/// parallel slot. The request itself stays counted in the rpm window either way (it was accepted).
/// All times come from the injected <see cref="TimeProvider"/>. Not thread-safe: owned by one grain.
/// </summary>
public sealed class KeyLimiter
{
    /// <summary>The rpm and tpm window length.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    /// <summary>Retry-After for a request turned away by max_parallel_requests (no window to wait for).</summary>
    public static readonly TimeSpan ParallelRetryAfter = TimeSpan.FromSeconds(1);

    private KeyLimits _limits;
    private readonly TimeProvider _time;
    private readonly SlidingWindow _requests = new(Window);
    private readonly SlidingWindow _tokens = new(Window);
    private readonly BudgetLedger _budget;
    private readonly HashSet<long> _inFlight = [];
    private long _nextId;

    public KeyLimiter(KeyLimits limits, TimeProvider time, DateTimeOffset budgetAnchor)
    {
        _limits = limits;
        _time = time;
        _budget = new BudgetLedger(limits.MaxBudget, limits.BudgetDuration, budgetAnchor);
    }

    /// <summary>Requests admitted within the last 60 seconds.</summary>
    public long RequestsInWindow => _requests.Used(_time.GetUtcNow());

    /// <summary>Tokens (reserved or settled) within the last 60 seconds.</summary>
    public long TokensInWindow => _tokens.Used(_time.GetUtcNow());

    /// <summary>Requests admitted and not yet settled or released.</summary>
    public int InFlight => _inFlight.Count;

    /// <summary>Spend settled in the current budget period, USD.</summary>
    public decimal Spent => _budget.Spent;

    /// <summary>The start of the current budget period.</summary>
    public DateTimeOffset BudgetPeriodStart => _budget.PeriodStart(_time.GetUtcNow());

    /// <summary>Settled spend plus the largest possible cost of the requests in flight, USD.</summary>
    public decimal BudgetCommitted => _budget.Committed(_time.GetUtcNow());

    /// <summary>
    /// New limits from the next admission; the windows, the requests in flight and the period's spend
    /// carry over (a lower limit refuses until the windows have room).
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

    /// <summary>
    /// Admits a request whose largest possible size is <paramref name="maxTokens"/> (estimated input plus
    /// max_tokens) and largest possible cost <paramref name="maxCost"/>, or says which limit turns it away.
    /// </summary>
    public KeyAdmission TryAdmit(long maxTokens, decimal maxCost)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(maxCost);
        var now = _time.GetUtcNow();

        if (_limits.RpmLimit is { } rpm && _requests.TimeUntilFits(now, 1, rpm) is var requestWait && requestWait != TimeSpan.Zero)
        {
            return new KeyAdmission(0, KeyLimitKind.Requests, requestWait);
        }

        if (_limits.TpmLimit is { } tpm && _tokens.TimeUntilFits(now, maxTokens, tpm) is var tokenWait && tokenWait != TimeSpan.Zero)
        {
            return new KeyAdmission(0, KeyLimitKind.Tokens, tokenWait);
        }

        if (_limits.MaxParallelRequests is { } parallel && _inFlight.Count >= parallel)
        {
            return new KeyAdmission(0, KeyLimitKind.Parallel, parallel > 0 ? ParallelRetryAfter : null);
        }

        var id = ++_nextId;
        if (!_budget.TryReserve(id, now, maxCost, out var budgetWait))
        {
            return new KeyAdmission(0, KeyLimitKind.Budget, budgetWait);
        }

        _requests.Add(id, now, 1);
        _tokens.Add(id, now, maxTokens);
        _inFlight.Add(id);
        return new KeyAdmission(id, KeyLimitKind.None, null);
    }

    /// <summary>
    /// Ends reservation <paramref name="id"/> with the usage reported by the provider (or the gateway's
    /// estimate): the tpm window keeps <paramref name="tokens"/> instead of the reservation, the budget is
    /// charged <paramref name="cost"/>. False when the reservation is unknown or already ended.
    /// </summary>
    public bool Settle(long id, long tokens, decimal cost)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tokens);
        ArgumentOutOfRangeException.ThrowIfNegative(cost);
        if (!_inFlight.Remove(id))
        {
            return false;
        }

        var now = _time.GetUtcNow();
        _tokens.Settle(id, now, tokens);
        _budget.Settle(id, now, cost);
        return true;
    }

    /// <summary>
    /// Ends reservation <paramref name="id"/> without usage (the request failed or the client went away
    /// before the provider answered): its tokens, budget and parallel slot come back. False when unknown or ended.
    /// </summary>
    public bool Release(long id)
    {
        if (!_inFlight.Remove(id))
        {
            return false;
        }

        var now = _time.GetUtcNow();
        _tokens.Settle(id, now, 0);
        _budget.Release(id, now);
        return true;
    }
}
