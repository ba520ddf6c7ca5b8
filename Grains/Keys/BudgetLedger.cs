namespace OrleansGateway.Keys;

/// <summary>
/// A key's budget periods and the spend settled in the current one. Periods are whole multiples of the
/// budget duration counted from <c>periodAnchor</c> (the key's creation), numbered from 0; at a period's end
/// the spend goes back to zero. Spend reported for a period that has ended is not charged to the new one.
/// What is held against the budget (allowances of frontends) is counted by <see cref="KeyLimiter"/>.
/// Not thread-safe: owned by one grain.
/// </summary>
public sealed class BudgetLedger(decimal? maxBudget, TimeSpan? duration, DateTimeOffset periodAnchor)
{
    private TimeSpan? _duration = duration;
    private long _period;

    /// <summary>The budget in USD; null when the key has none.</summary>
    public decimal? MaxBudget { get; private set; } = maxBudget;

    /// <summary>Spend settled in the current period, USD.</summary>
    public decimal Spent { get; private set; }

    /// <summary>The number of the current period (0 when the budget never resets).</summary>
    public long Period(DateTimeOffset now)
    {
        Roll(now);
        return _period;
    }

    /// <summary>The current period's start (the anchor when the budget never resets).</summary>
    public DateTimeOffset PeriodStart(DateTimeOffset now)
    {
        Roll(now);
        return _duration is { } d ? periodAnchor + d * _period : periodAnchor;
    }

    /// <summary>The time until the current period ends; null when the budget never resets.</summary>
    public TimeSpan? UntilReset(DateTimeOffset now)
    {
        Roll(now);
        return _duration is { } d && d > TimeSpan.Zero ? periodAnchor + d * (_period + 1) - now : null;
    }

    /// <summary>New budget and period length from now on; the spend carries over.</summary>
    public void Update(decimal? newMaxBudget, TimeSpan? newDuration)
    {
        MaxBudget = newMaxBudget;
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

    /// <summary>Charges <paramref name="cost"/> settled in period <paramref name="period"/>: to the spend if that is the current period, else to nothing (it has ended).</summary>
    public void Charge(DateTimeOffset now, long period, decimal cost)
    {
        Roll(now);
        if (period == _period)
        {
            Spent += cost;
        }
    }

    private void Roll(DateTimeOffset now)
    {
        if (_duration is not { } d || d <= TimeSpan.Zero)
        {
            return;
        }

        var period = Math.Max(0, (now - periodAnchor).Ticks / d.Ticks);
        if (period != _period)
        {
            _period = period;
            Spent = 0m;
        }
    }
}
