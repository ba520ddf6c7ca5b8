namespace OrleansGateway.Batch;

public sealed partial class TaskGrain
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 1500, Level = LogLevel.Warning, Message = "Batch {JobId}: task {Index} failed ({Kind}): {Error}")]
        public static partial void TaskFailed(ILogger logger, string jobId, int index, GatewayErrorKind kind, string error);

        [LoggerMessage(EventId = 1501, Level = LogLevel.Warning, Message = "Batch {JobId}: task {Index} was interrupted ({Exception}: {Message}); it runs again")]
        public static partial void TaskInterrupted(ILogger logger, string jobId, int index, string exception, string message);

        [LoggerMessage(EventId = 1502, Level = LogLevel.Warning, Message = "Batch {JobId}: storing results of {Grain} failed; trying again")]
        public static partial void WriteFailed(ILogger logger, string jobId, string grain, Exception exception);

        [LoggerMessage(EventId = 1503, Level = LogLevel.Debug, Message = "Batch {JobId}: task {Index} waits {Wait} for its provider ({Kind})")]
        public static partial void WaitingForProvider(ILogger logger, string jobId, int index, GatewayErrorKind kind, TimeSpan wait);

        [LoggerMessage(EventId = 1506, Level = LogLevel.Debug, Message = "Batch {JobId}: task {Index} waits {Wait} for the limits of its key {KeyId}")]
        public static partial void WaitingForKey(ILogger logger, string jobId, int index, string keyId, TimeSpan wait);

        [LoggerMessage(EventId = 1504, Level = LogLevel.Error, Message = "Batch {JobId}: the result of task {Index} could not be stored after {Attempts} attempts; the task fails")]
        public static partial void ResultNotStored(ILogger logger, string jobId, int index, int attempts, Exception exception);

        [LoggerMessage(EventId = 1505, Level = LogLevel.Error, Message = "Batch {JobId}: the results of {Grain} could not be stored after {Attempts} attempts; the job fails")]
        public static partial void StateNotStored(ILogger logger, string jobId, string grain, int attempts, Exception exception);
    }
}
