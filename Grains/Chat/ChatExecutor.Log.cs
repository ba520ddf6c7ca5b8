namespace OrleansGateway.Chat;

public sealed partial class ChatExecutor
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 1200, Level = LogLevel.Warning, Message = "Model {Model}: attempt {Attempt} failed, retrying in {Delay}: {Error}")]
        public static partial void Retrying(ILogger logger, string model, int attempt, TimeSpan delay, string error);

        [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "Model {Model} failed ({Kind}): {Error}")]
        public static partial void CandidateFailed(ILogger logger, string model, GatewayErrorKind kind, string error);
    }
}
