namespace OrleansGateway.Frontend.Keys;

/// <summary>
/// This process's running totals of one virtual key (by id and name) and model, read by <see cref="KeyMetrics"/>'s
/// observable counters: requests by outcome, and the settled tokens and spend. Thread-safe.
/// </summary>
public sealed class KeyModelCounts(int outcomes)
{
    private readonly long[] _requests = new long[outcomes];
    private readonly object _gate = new();
    private long _inputTokens;
    private long _outputTokens;
    private decimal _spend;
    private bool _settled;

    /// <summary>Counts one request with the outcome at <paramref name="outcome"/>.</summary>
    public void Admission(int outcome) => Interlocked.Increment(ref _requests[outcome]);

    /// <summary>Adds a settled request's reported tokens and cost.</summary>
    public void Settled(long inputTokens, long outputTokens, decimal cost)
    {
        lock (_gate)
        {
            _inputTokens += inputTokens;
            _outputTokens += outputTokens;
            _spend += cost;
            _settled = true;
        }
    }

    /// <summary>The requests counted with the outcome at <paramref name="outcome"/>.</summary>
    public long Requests(int outcome) => Interlocked.Read(ref _requests[outcome]);

    /// <summary>The settled totals, and whether any request was settled.</summary>
    public (long InputTokens, long OutputTokens, decimal Spend, bool Settled) Usage()
    {
        lock (_gate)
        {
            return (_inputTokens, _outputTokens, _spend, _settled);
        }
    }
}
