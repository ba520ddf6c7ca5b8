namespace OrleansGateway.Batch;

/// <summary>
/// Holds a group of consecutive tasks of one batch job (keyed <c>{job_id}/{group}</c>) and each
/// task's result. Runs a task at batch priority when asked and stores its result before answering;
/// a task that already has a final result is never run again.
/// </summary>
[Alias("gw.ITaskGrain")]
public interface ITaskGrain : IGrainWithStringKey
{
    /// <summary>Stores the tasks; a second call for the same grain keeps the first tasks.</summary>
    [Alias("Initialize")]
    Task InitializeAsync(TaskGrainSpec spec);

    /// <summary>
    /// Runs the tasks <paramref name="indexes"/> (job indexes) that have no final result yet, concurrently;
    /// answers once each has its result stored or was cancelled, with the grain's progress.
    /// </summary>
    [Alias("Run"), ResponseTimeout("01:00:00")]
    Task<TaskGrainProgress> RunAsync(ImmutableArray<int> indexes);

    /// <summary>Cancels the grain's running tasks (they keep no result) and runs none from now on in this activation.</summary>
    [Alias("Cancel")]
    Task CancelAsync();

    /// <summary>The grain's progress and the tasks still pending.</summary>
    [Alias("GetSnapshot")]
    Task<TaskGrainSnapshot> GetSnapshotAsync();

    /// <summary>Removes the group's stored tasks and results (their blobs too) and deactivates: for a job whose submission never completed.</summary>
    [Alias("Discard")]
    Task DiscardAsync();

    /// <summary>The results of the grain's tasks whose job index is in [<paramref name="from"/>, <paramref name="from"/> + <paramref name="count"/>).</summary>
    [Alias("GetResults")]
    Task<ImmutableArray<BatchTaskResult>> GetResultsAsync(int from, int count);
}
