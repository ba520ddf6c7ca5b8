namespace OrleansGateway.Cluster;

/// <summary>
/// Grain calls made idempotent by an id their caller chooses: a call repeated with the same id while the
/// first still runs joins it instead of running the work again, and while a silo has lately left the cluster
/// (<see cref="SiloDepartures.Recent"/>) a finished call's answer is kept for <see cref="Retention"/>, so a
/// repeat whose first answer was lost with the leaving silo's client gateway gets that answer. In steady state
/// nothing is kept after a call ends. Used from one grain activation's turns only (not thread-safe).
/// </summary>
public sealed class JoinableCalls<T>(SiloDepartures departures, TimeProvider time)
{
    /// <summary>How long a finished answer is kept for a repeat while <see cref="SiloDepartures.Recent"/>.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromSeconds(30);

    private readonly Dictionary<Guid, Task<T>> _calls = [];
    private readonly Queue<(Guid Id, long FinishedAt)> _kept = new();

    /// <summary>Calls running or kept now.</summary>
    public int Count => _calls.Count;

    /// <summary>Whether <paramref name="callId"/> runs here, finished here with its answer kept, or is unknown here.</summary>
    public PooledCallState StateOf(Guid callId)
    {
        DropExpired();
        return !_calls.TryGetValue(callId, out var call) ? PooledCallState.Unknown
            : call.IsCompleted ? PooledCallState.Finished
            : PooledCallState.Running;
    }

    /// <summary>
    /// Runs <paramref name="work"/> for <paramref name="callId"/>, or joins the run already going or kept for it.
    /// The work gets the first caller's cancellation; a joining caller's own cancellation only ends its wait.
    /// </summary>
    public Task<T> RunAsync(Guid callId, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        DropExpired();
        if (_calls.TryGetValue(callId, out var running))
        {
            return running.IsCompleted ? running : running.WaitAsync(cancellationToken);
        }

        var call = RunAndForgetAsync(callId, work, cancellationToken);
        if (!call.IsCompleted)
        {
            _calls[callId] = call;
        }

        return call;
    }

    private async Task<T> RunAndForgetAsync(Guid callId, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            return await work(cancellationToken);
        }
        finally
        {
            if (departures.Recent && _calls.ContainsKey(callId))
            {
                _kept.Enqueue((callId, time.GetTimestamp()));
            }
            else
            {
                _calls.Remove(callId);
            }
        }
    }

    private void DropExpired()
    {
        while (_kept.TryPeek(out var kept) && time.GetElapsedTime(kept.FinishedAt) >= Retention)
        {
            _kept.Dequeue();
            _calls.Remove(kept.Id);
        }
    }
}
