using System.Collections.Immutable;

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
