namespace OrleansGateway.Batch;

/// <summary>
/// A job's passes on one activation: <see cref="BatchPass"/>es over its unfinished tasks until every task has a
/// final result, its window closes, or it stops running (cancelled, failed, the activation or its silo stopping).
/// A pass that leaves tasks pending (a task grain lost with its silo, a provider turning tasks away, results
/// stored late and not counted yet) is followed by another after the pause <see cref="PassPacer"/> gives.
/// Runs on the job's activation, so not thread-safe.
/// </summary>
public sealed partial class JobPasses(
    BatchProgress progress,
    InFlightWindow window,
    JobTaskGroups groups,
    Func<string, Task> fail,
    TimeProvider time,
    ILogger logger)
{
    /// <summary>The job (for the log).</summary>
    public required string JobId { get; init; }

    /// <summary>
    /// Runs passes while <paramref name="running"/> holds. Answers the end the job reached (completed, or expired
    /// when <paramref name="expired"/> says its window closed first), or null when it stopped running before either.
    /// <paramref name="fresh"/>: a job just submitted (its first pass has nothing to read back); <paramref name="stop"/>
    /// stops a pass and a pause early (a cancel, the window's end, a deactivation).
    /// </summary>
    public async Task<BatchJobStatus?> RunAsync(bool fresh, Func<bool> running, Func<bool> expired, CancellationToken stop)
    {
        var pacer = new PassPacer();
        while (running())
        {
            var doneBefore = progress.Done;
            var pass = new BatchPass(progress, window, groups, fail, logger) { JobId = JobId };
            await pass.RunAsync(fresh, stop);
            fresh = false;
            if (!running())
            {
                return null;
            }

            if (progress.Done >= groups.TaskCount)
            {
                return BatchJobStatus.Completed;
            }

            if (expired())
            {
                return BatchJobStatus.Expired;
            }

            var pause = pacer.Next(progress.Done > doneBefore, pass.RetryAfter);
            Log.RetryingPass(logger, JobId, groups.TaskCount - progress.Done, pause);
            if (pause > TimeSpan.Zero)
            {
                // Ends early when the job is cancelled or the activation stops (WhenAny does not throw).
                await Task.WhenAny(Task.Delay(pause, time, stop));
            }
        }

        return null;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1515, Level = LogLevel.Information, Message = "Batch {JobId}: {Pending} task(s) still pending after a pass; next pass in {Pause}")]
        public static partial void RetryingPass(ILogger logger, string jobId, int pending, TimeSpan pause);
    }
}
