namespace OrleansGateway.Batch;

/// <summary>
/// The task groups a submitter writes before the job's state exists (a job too large for one call). They are
/// reserved first with a discard reminder. When that reminder fires before the job was submitted, or the job's
/// own write fails, they are discarded, so nothing of a submission that never completed stays behind.
/// </summary>
public sealed partial class UnsubmittedGroups(string jobId, Func<string, ITaskGrain> grainOf, BatchJobReminders reminders, ILogger logger)
{
    /// <summary>Registers the discard reminder for groups 0 to <paramref name="groupCount"/> - 1, due after <paramref name="timeout"/>.</summary>
    public Task ReserveAsync(int groupCount, TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(groupCount, 1);
        return reminders.RegisterDiscardAsync(groupCount, timeout);
    }

    /// <summary>Discards groups 0 to <paramref name="groupCount"/> - 1 (their tasks, results and blobs).</summary>
    public async Task DiscardAsync(int groupCount)
    {
        await new JobTaskGroups(grainOf, jobId, groupCount, 1).DiscardAsync(groupCount);
        Log.Discarded(logger, jobId, groupCount);
    }

    /// <summary>As <see cref="DiscardAsync"/>; a failure is logged, and the reservation's reminder tries again.</summary>
    public async Task TryDiscardAsync(int groupCount)
    {
        try
        {
            await DiscardAsync(groupCount);
        }
        catch (Exception exception)
        {
            Log.DiscardFailed(logger, jobId, exception);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1522, Level = LogLevel.Warning, Message = "Batch {JobId}: its submission did not complete; its {Groups} stored task group(s) were discarded")]
        public static partial void Discarded(ILogger logger, string jobId, int groups);

        [LoggerMessage(EventId = 1523, Level = LogLevel.Warning, Message = "Batch {JobId}: the task groups of its failed submission could not be discarded yet")]
        public static partial void DiscardFailed(ILogger logger, string jobId, Exception exception);
    }
}
