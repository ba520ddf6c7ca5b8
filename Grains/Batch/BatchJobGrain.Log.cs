namespace OrleansGateway.Batch;

public sealed partial class BatchJobGrain
{
    private static partial class Log
    {
        /// <summary>The one log line of every end, at the level its status calls for.</summary>
        public static void Finished(ILogger logger, string jobId, BatchJobStatus status, int completed, int failed, int tasks, TimeSpan elapsed, string? error)
        {
            switch (status)
            {
                case BatchJobStatus.Completed:
                    Completed(logger, jobId, completed, failed, elapsed);
                    break;
                case BatchJobStatus.Failed:
                    Failed(logger, jobId, error ?? string.Empty);
                    break;
                case BatchJobStatus.Expired:
                    Expired(logger, jobId, completed + failed, tasks);
                    break;
                default:
                    Cancelled(logger, jobId, completed + failed, tasks);
                    break;
            }
        }

        [LoggerMessage(EventId = 1510, Level = LogLevel.Information, Message = "Batch {JobId}: submitted with {Tasks} task(s) in {Groups} task grain(s)")]
        public static partial void Submitted(ILogger logger, string jobId, int tasks, int groups);

        [LoggerMessage(EventId = 1511, Level = LogLevel.Information, Message = "Batch {JobId}: resuming with {Done} of {Tasks} task(s) done")]
        public static partial void Resuming(ILogger logger, string jobId, int done, int tasks);

        [LoggerMessage(EventId = 1512, Level = LogLevel.Information, Message = "Batch {JobId}: completed, {Completed} completed and {Failed} failed in {Elapsed}")]
        public static partial void Completed(ILogger logger, string jobId, int completed, int failed, TimeSpan elapsed);

        [LoggerMessage(EventId = 1513, Level = LogLevel.Information, Message = "Batch {JobId}: cancelled with {Done} of {Tasks} task(s) done")]
        public static partial void Cancelled(ILogger logger, string jobId, int done, int tasks);

        [LoggerMessage(EventId = 1521, Level = LogLevel.Information, Message = "Batch {JobId}: its window closed with {Done} of {Tasks} task(s) done; expired")]
        public static partial void Expired(ILogger logger, string jobId, int done, int tasks);

        [LoggerMessage(EventId = 1516, Level = LogLevel.Error, Message = "Batch {JobId}: the run stopped; the resume reminder restarts it")]
        public static partial void RunFailed(ILogger logger, string jobId, Exception exception);

        [LoggerMessage(EventId = 1517, Level = LogLevel.Warning, Message = "Batch {JobId}: the resume reminder could not be removed: {Message}")]
        public static partial void ReminderCleanupFailed(ILogger logger, string jobId, string message);

        [LoggerMessage(EventId = 1518, Level = LogLevel.Error, Message = "Batch {JobId}: failed: {Error}")]
        public static partial void Failed(ILogger logger, string jobId, string error);

        [LoggerMessage(EventId = 1519, Level = LogLevel.Warning, Message = "Batch {JobId}: not every task grain could be told to cancel: {Message}")]
        public static partial void CancelNotDelivered(ILogger logger, string jobId, string message);

    }
}
