namespace OrleansGateway.Operations;

public sealed partial class ProviderTokenReporter
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 1330, Level = LogLevel.Debug, Message = "Reporting token usage to the usage grain failed: {Exception}")]
        public static partial void ReportFailed(ILogger logger, string exception);
    }
}
