namespace OrleansGateway.Streaming;

public static partial class ResumableChatStream
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 1315, Level = LogLevel.Warning, Message = "A stream's grain call was lost with a silo ({Exception}) after {Received} event(s); resuming it")]
        public static partial void Resuming(ILogger logger, string exception, int received);

        [LoggerMessage(EventId = 1316, Level = LogLevel.Debug, Message = "Ending stream {StreamId} at its grain failed ({Exception}); it ends at its resume window")]
        public static partial void EndFailed(ILogger logger, Guid streamId, string exception);

        [LoggerMessage(EventId = 1317, Level = LogLevel.Debug, Message = "Ending a stream's grain enumeration failed: {Exception}")]
        public static partial void DisposeFailed(ILogger logger, string exception);
    }
}
