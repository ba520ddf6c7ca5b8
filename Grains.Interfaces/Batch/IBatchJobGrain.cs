namespace OrleansGateway.Batch;

/// <summary>
/// One batch job (keyed by its job id): holds the job's parameters, status and timestamps in grain
/// storage and runs its tasks through <see cref="ITaskGrain"/>s with a bounded window of tasks in flight.
/// </summary>
[Alias("gw.IBatchJobGrain")]
public interface IBatchJobGrain : IGrainWithStringKey
{
    /// <summary>Records the job durably (tasks, parameters, resume reminder), then starts it; a job already recorded is returned as is.</summary>
    [Alias("Submit"), ResponseTimeout("00:05:00")]
    Task<BatchJobView> SubmitAsync(BatchJobSpec spec);

    /// <summary>
    /// Called before a submitter stores the job's first <paramref name="groupCount"/> task groups itself: unless the job
    /// is submitted within <c>Gateway:Batch:UnsubmittedGroupsTimeout</c>, a reminder discards them (the submitter died midway).
    /// </summary>
    [Alias("Reserve")]
    Task ReserveAsync(int groupCount);

    /// <summary>Discards the job's first <paramref name="groupCount"/> task groups unless the job is recorded; whether it did.</summary>
    [Alias("DiscardUnsubmitted"), ResponseTimeout("00:05:00")]
    Task<bool> DiscardUnsubmittedAsync(int groupCount);

    /// <summary>The job's document, or null when no job has this id.</summary>
    [Alias("Get")]
    Task<BatchJobView?> GetAsync();

    /// <summary>Results of tasks <paramref name="offset"/> to <paramref name="offset"/> + <paramref name="limit"/> - 1, in task order.</summary>
    [Alias("GetResults")]
    Task<ImmutableArray<BatchTaskResult>> GetResultsAsync(int offset, int limit);

    /// <summary>Stops starting tasks, cancels running ones, keeps results so far; null when no job has this id.</summary>
    [Alias("Cancel")]
    Task<BatchJobView?> CancelAsync();
}
