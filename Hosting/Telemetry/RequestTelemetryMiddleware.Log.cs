using Microsoft.Extensions.Logging;

namespace OrleansGateway.Hosting.Telemetry;

public sealed partial class RequestTelemetryMiddleware
{
    [LoggerMessage(EventId = 6100, Level = LogLevel.Information,
        Message = "{Method} {Route} {Status} model={Model} provider={Provider} {DurationMs:0.0} ms tokens={InputTokens}/{OutputTokens}")]
    private static partial void LogRequest(ILogger logger, string method, string route, int status, string model, string provider, double durationMs, long inputTokens, long outputTokens);
}
