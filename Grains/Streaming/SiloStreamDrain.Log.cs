namespace OrleansGateway.Streaming;

public sealed partial class SiloStreamDrain
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 1310, Level = LogLevel.Information, Message = "Silo stopping: waiting up to {Bound} for {Count} open stream(s) to end")]
        public static partial void Draining(ILogger logger, int count, TimeSpan bound);

        [LoggerMessage(EventId = 1311, Level = LogLevel.Warning, Message = "Silo stopping: {Count} stream(s) still open at the end of the wait are cut")]
        public static partial void DrainIncomplete(ILogger logger, int count);
    }
}
