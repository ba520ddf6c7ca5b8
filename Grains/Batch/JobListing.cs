namespace OrleansGateway.Batch;

/// <summary>
/// A job's entry in the batch registry's list (<c>GET /v1/batch</c>, <c>GET /v1/batches</c>): added once, and marked
/// on the job's state once it is there. A failure does not fail the job (it is recorded and will run); the next
/// activation or reminder tick tries again.
/// </summary>
public sealed partial class JobListing(Func<IBatchRegistryGrain> registry, string jobId, ILogger logger)
{
    /// <summary>Adds the job of <paramref name="state"/> to the list unless its state says it is there.</summary>
    public async Task TryEnsureAsync(BatchJobState state)
    {
        if (state.Listed)
        {
            return;
        }

        try
        {
            await registry().AddAsync(jobId, state.SubmittedAt, state.KeyId);
            state.Listed = true;
        }
        catch (Exception exception)
        {
            Log.ListingFailed(logger, jobId, exception.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1520, Level = LogLevel.Warning, Message = "Batch {JobId}: could not be added to the job list yet: {Message}")]
        public static partial void ListingFailed(ILogger logger, string jobId, string message);
    }
}
