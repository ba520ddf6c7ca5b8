namespace OrleansGateway.Keys;

/// <summary>
/// An exact sliding window of admitted amounts: every entry counts from when it is added until its
/// <c>until</c> time (for an allowance: the window's length after the last instant the allowance can be
/// used), so at any instant the sum of the entries present bounds everything admitted within the last
/// <see cref="Length"/>. An entry's amount can be changed afterwards (an allowance's unused part returned, a
/// token reservation settled to the reported usage); lowering it frees room, raising it is accepted as is
/// (the real usage is what was spent) and only delays later admissions. Not thread-safe: owned by one grain.
/// </summary>
public sealed class SlidingWindow(TimeSpan length)
{
    private readonly LinkedList<Entry> _entries = new();
    private readonly Dictionary<long, LinkedListNode<Entry>> _byId = [];
    private long _sum;

    /// <summary>The window's length (60 seconds for rpm and tpm).</summary>
    public TimeSpan Length { get; } = length;

    /// <summary>The sum of the amounts present at <paramref name="now"/>.</summary>
    public long Used(DateTimeOffset now)
    {
        Prune(now);
        return _sum;
    }

    /// <summary>The entries present at <paramref name="now"/>, oldest first (what the key grain stores).</summary>
    public IEnumerable<(long Id, DateTimeOffset Until, long Amount)> Entries(DateTimeOffset now)
    {
        Prune(now);
        return _entries.Select(e => (e.Id, e.Until, e.Amount));
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

        foreach (var entry in _entries.OrderBy(e => e.Until))
        {
            excess -= entry.Amount;
            if (excess <= 0)
            {
                return entry.Until - now;
            }
        }

        return Length;
    }

    /// <summary>The room left under <paramref name="limit"/> at <paramref name="now"/> (never negative).</summary>
    public long Room(DateTimeOffset now, long limit) => Math.Max(0, limit - Used(now));

    /// <summary>Records <paramref name="amount"/> under <paramref name="id"/>, counted until <paramref name="until"/>; the caller has checked it fits.</summary>
    public void Add(long id, DateTimeOffset now, DateTimeOffset until, long amount)
    {
        Prune(now);
        if (until <= now)
        {
            return;
        }

        var node = _entries.AddLast(new Entry(id, until, amount));
        _byId[id] = node;
        _sum += amount;
    }

    /// <summary>Sets the amount of entry <paramref name="id"/> if it is still present; false when it has left the window.</summary>
    public bool Set(long id, DateTimeOffset now, long amount)
    {
        Prune(now);
        if (!_byId.TryGetValue(id, out var node))
        {
            return false;
        }

        amount = Math.Max(0, amount);
        _sum += amount - node.Value.Amount;
        node.Value = node.Value with { Amount = amount };
        return true;
    }

    /// <summary>Changes the amount of entry <paramref name="id"/> by <paramref name="delta"/> (never below 0); false when it has left the window.</summary>
    public bool Adjust(long id, DateTimeOffset now, long delta) =>
        _byId.TryGetValue(id, out var node) && Set(id, now, node.Value.Amount + delta);

    private void Prune(DateTimeOffset now)
    {
        // Entries are added in order of their until time (one allowance life for every entry), so the
        // oldest leave first; an entry out of order (a clock set back) only stays longer, which is safe.
        while (_entries.First is { } first && first.Value.Until <= now)
        {
            _sum -= first.Value.Amount;
            _byId.Remove(first.Value.Id);
            _entries.RemoveFirst();
        }
    }

    private readonly record struct Entry(long Id, DateTimeOffset Until, long Amount);
}
