namespace OrleansGateway.Streaming;

public sealed partial class ChatStreamGrain
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 1312, Level = LogLevel.Information, Message = "Stream {StreamId} resumed from event {Received} ({Produced} produced)")]
        public static partial void Resumed(ILogger logger, Guid streamId, int received, int produced);

        [LoggerMessage(EventId = 1313, Level = LogLevel.Warning, Message = "Stream {StreamId} cannot be resumed from event {Received}: this activation does not carry it")]
        public static partial void ResumeUnknown(ILogger logger, Guid streamId, int received);

        [LoggerMessage(EventId = 1314, Level = LogLevel.Warning, Message = "Stream {StreamId} ended: nobody read it for {Window}")]
        public static partial void Abandoned(ILogger logger, Guid streamId, TimeSpan window);
    }
}
