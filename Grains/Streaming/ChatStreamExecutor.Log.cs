namespace OrleansGateway.Streaming;

public sealed partial class ChatStreamExecutor
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 1302, Level = LogLevel.Warning, Message = "Stream of model {Model} failed after its first token ({Kind}): {Error}")]
        public static partial void StreamBroken(ILogger logger, string model, GatewayErrorKind kind, string error);
    }
}
