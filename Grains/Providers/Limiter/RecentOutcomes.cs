namespace OrleansGateway.Providers;

/// <summary>
/// How the calls that ended within the last <c>window</c> went: counts of successes and failures, bounded in
/// memory (at most <see cref="Capacity"/> entries) as well as in time. Not thread-safe.
/// </summary>
public sealed class RecentOutcomes(TimeSpan window, TimeProvider time)
{
    /// <summary>The most entries kept, whatever their age.</summary>
    public const int Capacity = 100_000;

    private readonly Queue<(DateTimeOffset At, bool Success)> _recent = new();
    private int _successes;
    private int _failures;

    /// <summary>Successes within the window.</summary>
    public int Successes
    {
        get
        {
            Trim();
            return _successes;
        }
    }

    /// <summary>Failures within the window.</summary>
    public int Failures
    {
        get
        {
            Trim();
            return _failures;
        }
    }

    /// <summary>Counts <paramref name="count"/> calls that ended now.</summary>
    public void Add(bool success, int count = 1)
    {
        var now = time.GetUtcNow();
        for (var i = 0; i < count; i++)
        {
            _recent.Enqueue((now, success));
        }

        if (success)
        {
            _successes += count;
        }
        else
        {
            _failures += count;
        }

        Trim();
    }

    private void Trim()
    {
        var oldest = time.GetUtcNow() - window;
        while (_recent.Count > 0 && (_recent.Peek().At < oldest || _recent.Count > Capacity))
        {
            if (_recent.Dequeue().Success)
            {
                _successes--;
            }
            else
            {
                _failures--;
            }
        }
    }
}
