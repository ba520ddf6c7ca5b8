namespace OrleansGateway.Batch;

public sealed partial class BatchPass
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 1514, Level = LogLevel.Warning, Message = "Batch {JobId}: running tasks {First}-{Last} failed ({Exception}: {Message}); unfinished ones are tried again")]
        public static partial void TaskCallFailed(ILogger logger, string jobId, int first, int last, string exception, string message);
    }
}
