namespace OrleansGateway.Batch;

/// <summary>
/// The runs in progress, by the local index of the batch task they run: a second call for the same batch task
/// joins its run rather than starting another, and a run is forgotten once it has ended, so a later call starts
/// afresh. Not thread-safe (a grain's calls interleave on one thread).
/// </summary>
public sealed class RunningTasks<TResult>
{
    private readonly Dictionary<int, Task<TResult>> _runs = [];

    /// <summary>Runs in progress.</summary>
    public int Count => _runs.Count;

    /// <summary>Joins the run of batch task <paramref name="local"/> in progress, or starts one with <paramref name="start"/>; answers its result.</summary>
    public async Task<TResult> JoinAsync(int local, Func<Task<TResult>> start)
    {
        if (!_runs.TryGetValue(local, out var run))
        {
            run = start();
            _runs[local] = run;
        }

        try
        {
            return await run;
        }
        finally
        {
            if (_runs.TryGetValue(local, out var current) && current == run && run.IsCompleted)
            {
                _runs.Remove(local);
            }
        }
    }
}
