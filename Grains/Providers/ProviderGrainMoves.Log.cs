namespace OrleansGateway.Providers;

public sealed partial class ProviderGrainMoves
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 1110, Level = LogLevel.Information, Message = "Silo stopping: {Count} provider grain(s) stop queueing and move to another silo")]
        public static partial void PreparingToMove(ILogger logger, int count);

        [LoggerMessage(EventId = 1111, Level = LogLevel.Warning, Message = "Preparing the provider grains of a stopping silo to move failed")]
        public static partial void PrepareFailed(ILogger logger, Exception exception);
    }
}
