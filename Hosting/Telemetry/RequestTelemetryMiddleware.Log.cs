using Microsoft.Extensions.Logging;

namespace OrleansGateway.Hosting.Telemetry;

public sealed partial class RequestTelemetryMiddleware
{
    // SkipEnabledCheck: the caller checked IsEnabled before gathering the arguments.
    [LoggerMessage(EventId = 6100, Level = LogLevel.Information, SkipEnabledCheck = true,
        Message = "{Method} {Route} {Status} {DurationMs:0.0} ms model={Model} provider={Provider} tokens={InputTokens}/{OutputTokens} request_id={RequestId} trace_id={TraceId}")]
    private static partial void LogRequest(
        ILogger logger, string method, string route, int status, double durationMs, string model, string provider,
        string inputTokens, string outputTokens, string requestId, string traceId);
}
