namespace OrleansGateway.Keys;

/// <summary>
/// A key's budget: spend settled in the current period plus the largest possible cost of every request in
/// flight, which together must stay within <see cref="KeyLimits.MaxBudget"/> for a request to be admitted,
/// so concurrent requests cannot overshoot it. Periods are whole multiples of the budget duration counted
/// from <c>periodAnchor</c> (the key's creation); at a period's end the spend goes back to zero. A request
/// reserved in one period and settled in a later one is charged to the period it was reserved in (already
/// over), so it does not eat the new period's budget. Not thread-safe: owned by one grain.
/// </summary>
public sealed class BudgetLedger(decimal? maxBudget, TimeSpan? duration, DateTimeOffset periodAnchor)
{
    private decimal? _maxBudget = maxBudget;
    private TimeSpan? _duration = duration;
    private readonly Dictionary<long, (long Period, decimal Cost)> _reserved = [];
    private long _period;
    private decimal _reservedSum;

    /// <summary>Spend settled in the current period, USD.</summary>
    public decimal Spent { get; private set; }

    /// <summary>The current period's start (the anchor when the budget never resets).</summary>
    public DateTimeOffset PeriodStart(DateTimeOffset now)
    {
        Roll(now);
        return _duration is { } d ? periodAnchor + d * _period : periodAnchor;
    }

    /// <summary>New budget and period length from now on; the spend and reservations carry over.</summary>
    public void Update(decimal? newMaxBudget, TimeSpan? newDuration)
    {
        _maxBudget = newMaxBudget;
        _duration = newDuration;
    }

    /// <summary>Restores <paramref name="spent"/> if <paramref name="periodStart"/> is the current period's start (a restart within the period).</summary>
    public void Restore(DateTimeOffset now, DateTimeOffset periodStart, decimal spent)
    {
        if (PeriodStart(now) == periodStart)
        {
            Spent = spent;
        }
    }

    /// <summary>Spend settled plus reservations in flight in the current period, USD.</summary>
    public decimal Committed(DateTimeOffset now)
    {
        Roll(now);
        return Spent + _reservedSum;
    }

    /// <summary>
    /// Reserves <paramref name="maxCost"/> under <paramref name="id"/> if it fits; otherwise false with the
    /// time until the period resets in <paramref name="retryAfter"/> (null when it never does or cannot help).
    /// </summary>
    public bool TryReserve(long id, DateTimeOffset now, decimal maxCost, out TimeSpan? retryAfter)
    {
        Roll(now);
        retryAfter = null;
        if (_maxBudget is { } max && Spent + _reservedSum + maxCost > max)
        {
            if (_duration is { } d && maxCost <= max)
            {
                retryAfter = periodAnchor + d * (_period + 1) - now;
            }

            return false;
        }

        _reserved[id] = (_period, maxCost);
        _reservedSum += maxCost;
        return true;
    }

    /// <summary>Settles reservation <paramref name="id"/> at <paramref name="cost"/> (the real spend); false when unknown.</summary>
    public bool Settle(long id, DateTimeOffset now, decimal cost) => Finish(id, now, cost);

    /// <summary>Gives reservation <paramref name="id"/> back without spend (failure, cancellation); false when unknown.</summary>
    public bool Release(long id, DateTimeOffset now) => Finish(id, now, 0m);

    private bool Finish(long id, DateTimeOffset now, decimal cost)
    {
        Roll(now);
        if (!_reserved.Remove(id, out var reservation))
        {
            return false;
        }

        if (reservation.Period == _period)
        {
            _reservedSum -= reservation.Cost;
            Spent += cost;
        }

        return true;
    }

    private void Roll(DateTimeOffset now)
    {
        if (_duration is not { } d || d <= TimeSpan.Zero)
        {
            return;
        }

        var period = Math.Max(0, (now - periodAnchor).Ticks / d.Ticks);
        if (period == _period)
        {
            return;
        }

        _period = period;
        Spent = 0m;
        _reservedSum = 0m;
    }
}
