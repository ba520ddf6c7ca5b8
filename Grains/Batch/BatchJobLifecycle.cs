using OrleansGateway.Telemetry;

namespace OrleansGateway.Batch;

/// <summary>
/// A job's status changes on its stored state, and the view clients see: queued → processing →
/// completed | failed | cancelled | expired. Every end goes through
/// <see cref="Finish"/>, so each records the same things.
/// </summary>
public static class BatchJobLifecycle
{
    /// <summary>Whether a job's window has closed at <paramref name="now"/>.</summary>
    public static bool IsExpired(BatchJobState state, DateTimeOffset now) => state.ExpiresAt is { } at && now >= at;

    /// <summary>
    /// The tasks per task grain of a job submitted as <paramref name="spec"/>: the submitter's for tasks it stored,
    /// else <paramref name="configured"/>. Refuses a job without tasks, or stored tasks without their group size.
    /// </summary>
    public static int TasksPerGrain(BatchJobSpec spec, int configured)
    {
        if (spec.TaskCount == 0)
        {
            throw new ArgumentException("A batch job needs at least one task.", nameof(spec));
        }

        var perGrain = spec.StoredTaskCount > 0 ? spec.StoredTasksPerGrain : configured;
        return perGrain >= 1 ? perGrain : throw new ArgumentException("A job of stored tasks needs their tasks per grain.", nameof(spec));
    }

    /// <summary>A source cancelled when the job's window closes (never, for a job without one).</summary>
    public static CancellationTokenSource ExpiryCancellation(BatchJobState state, TimeProvider time) => state.ExpiresAt is { } expiresAt
        ? new CancellationTokenSource(TimeSpan.FromTicks(Math.Max(1, (expiresAt - time.GetUtcNow()).Ticks)), time)
        : new CancellationTokenSource();

    /// <summary>Whether a job in <paramref name="status"/> is over (nothing runs any more).</summary>
    public static bool IsTerminal(BatchJobStatus status) =>
        status is BatchJobStatus.Completed or BatchJobStatus.Failed or BatchJobStatus.Cancelled or BatchJobStatus.Expired;

    /// <summary>A queued job starts processing now; false when it was not queued (nothing changed).</summary>
    public static bool Start(BatchJobState state, DateTimeOffset now)
    {
        if (state.Status != BatchJobStatus.Queued)
        {
            return false;
        }

        state.Status = BatchJobStatus.Processing;
        state.StartedAt = now;
        return true;
    }

    /// <summary>Ends the job with <paramref name="status"/> (terminal): the time, the reason of a failure, the counters so far.</summary>
    public static void Finish(BatchJobState state, BatchJobStatus status, DateTimeOffset now, BatchProgress progress, string? error = null)
    {
        if (!IsTerminal(status))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "A job finishes completed, failed, cancelled or expired.");
        }

        state.Status = status;
        state.CompletedAt = now;
        if (error is not null)
        {
            state.Error = error;
        }

        progress.CopyTo(state);
    }

    /// <summary>
    /// The job's document: live counters while it runs (or after a cancel, as late results land),
    /// the stored ones once it completed or before the counters were read back.
    /// </summary>
    public static BatchJobView View(string jobId, BatchJobState state, BatchProgress progress)
    {
        var live = progress.IsLoaded && state.Status != BatchJobStatus.Completed;
        return new BatchJobView(
            jobId, state.Status, state.Model, state.SubmittedAt, state.TaskCount,
            live ? progress.Completed : state.CompletedCount,
            live ? progress.Failed : state.FailedCount,
            live ? progress.Usage : new TokenUsage(state.PromptTokens, state.CompletionTokens, state.TotalTokens))
        {
            StartedAt = state.StartedAt,
            CompletedAt = state.CompletedAt,
            Error = state.Error,
            MetadataJson = state.MetadataJson,
            ExpiresAt = state.ExpiresAt,
            KeyId = state.KeyId,
        };
    }

    /// <summary>
    /// The job's status and counts for the batch gauges, or null before it has state (<paramref name="state"/> null):
    /// the live counters once they were read back, else the stored ones.
    /// </summary>
    public static BatchJobGaugeReading? GaugeReading(BatchJobState? state, BatchProgress progress) =>
        state is null ? null
        : progress.IsLoaded ? new BatchJobGaugeReading(state.Status, state.TaskCount, progress.Completed, progress.Failed)
        : new BatchJobGaugeReading(state.Status, state.TaskCount, state.CompletedCount, state.FailedCount);
}
