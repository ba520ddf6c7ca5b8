namespace OrleansGateway.Keys;

/// <summary>
/// An exact sliding window: every admitted amount is kept with its admission time and counts until the
/// window has passed since then, so at any instant the sum over the last <see cref="Length"/> never exceeds
/// the limit an admission was checked against. An entry's amount can be changed afterwards (a token
/// reservation settled to the reported usage); lowering it frees room, raising it is accepted as is (the
/// real usage is what was spent) and only delays later admissions. Not thread-safe: owned by one grain.
/// </summary>
public sealed class SlidingWindow(TimeSpan length)
{
    private readonly LinkedList<Entry> _entries = new();
    private readonly Dictionary<long, LinkedListNode<Entry>> _byId = [];
    private long _sum;

    /// <summary>The window's length (60 seconds for rpm and tpm).</summary>
    public TimeSpan Length { get; } = length;

    /// <summary>The sum of the amounts admitted within the window ending at <paramref name="now"/>.</summary>
    public long Used(DateTimeOffset now)
    {
        Prune(now);
        return _sum;
    }

    /// <summary>
    /// How long from <paramref name="now"/> until <paramref name="amount"/> fits under <paramref name="limit"/>:
    /// zero when it fits now, null when it never can (larger than the limit).
    /// </summary>
    public TimeSpan? TimeUntilFits(DateTimeOffset now, long amount, long limit)
    {
        Prune(now);
        if (amount > limit)
        {
            return null;
        }

        var excess = _sum + amount - limit;
        if (excess <= 0)
        {
            return TimeSpan.Zero;
        }

        foreach (var entry in _entries)
        {
            excess -= entry.Amount;
            if (excess <= 0)
            {
                return entry.At + Length - now;
            }
        }

        return Length;
    }

    /// <summary>Records <paramref name="amount"/> under <paramref name="id"/> at <paramref name="now"/>; the caller has checked it fits.</summary>
    public void Add(long id, DateTimeOffset now, long amount)
    {
        Prune(now);
        var node = _entries.AddLast(new Entry(id, now, amount));
        _byId[id] = node;
        _sum += amount;
    }

    /// <summary>Changes the amount of entry <paramref name="id"/> if it is still in the window; false when it has left it.</summary>
    public bool Settle(long id, DateTimeOffset now, long amount)
    {
        Prune(now);
        if (!_byId.TryGetValue(id, out var node))
        {
            return false;
        }

        _sum += amount - node.Value.Amount;
        node.Value = node.Value with { Amount = amount };
        return true;
    }

    private void Prune(DateTimeOffset now)
    {
        while (_entries.First is { } first && first.Value.At + Length <= now)
        {
            _sum -= first.Value.Amount;
            _byId.Remove(first.Value.Id);
            _entries.RemoveFirst();
        }
    }

    private readonly record struct Entry(long Id, DateTimeOffset At, long Amount);
}
