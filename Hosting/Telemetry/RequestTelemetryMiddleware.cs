using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansGateway.Hosting.Telemetry;

/// <summary>
/// Per request: offers a <see cref="GatewayRequestTelemetry"/> to the endpoint, counts the finished request
/// on <c>gateway.requests</c> (by <c>gateway.surface</c>, <c>http.route</c>, <c>http.request.method</c> and
/// <c>http.response.status_code</c>; ASP.NET Core's own <c>http.server.request.duration</c> has the
/// durations), and when <see cref="GatewayTelemetryOptions.RequestLog"/> is on writes one Information line.
/// Cheap: a feature object, a timestamp, a counter add with four tags, one log call.
/// </summary>
public sealed partial class RequestTelemetryMiddleware
{
    /// <summary>The log category of the request lines.</summary>
    public const string LogCategory = "OrleansGateway.Requests";

    /// <summary>The counter of finished requests.</summary>
    public const string RequestsInstrument = "gateway.requests";

    private readonly RequestDelegate _next;
    private readonly TimeProvider _time;
    private readonly bool _log;
    private readonly ILogger _logger;
    private readonly Counter<long> _requests;

    public RequestTelemetryMiddleware(RequestDelegate next, IOptions<GatewayTelemetryOptions> options, TimeProvider time, ILoggerFactory loggers, IMeterFactory meters)
    {
        _next = next;
        _time = time;
        _log = options.Value.RequestLog;
        _logger = loggers.CreateLogger(LogCategory);
        _requests = meters.Create(GatewayTelemetryExtensions.GatewaySourceName).CreateCounter<long>(RequestsInstrument, "{request}", "Finished HTTP requests by surface, route, method and status.");
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var telemetry = new GatewayRequestTelemetry { Surface = SurfaceOf(context.Request.Path) };
        context.Features.Set(telemetry);
        var started = _time.GetTimestamp();
        try
        {
            await _next(context).ConfigureAwait(false);
        }
        finally
        {
            var route = context.GetEndpoint() is RouteEndpoint endpoint ? endpoint.RoutePattern.RawText : null;
            if (_requests.Enabled)
            {
                _requests.Add(1, new TagList
                {
                    { "gateway.surface", telemetry.Surface },
                    { "http.route", route ?? "" },
                    { "http.request.method", context.Request.Method },
                    { "http.response.status_code", context.Response.StatusCode },
                });
            }

            if (_log && _logger.IsEnabled(LogLevel.Information) && !GatewayTelemetryExtensions.IsQuietPath(context.Request.Path))
            {
                LogRequest(
                    _logger,
                    context.Request.Method,
                    route ?? context.Request.Path.Value ?? "/",
                    context.Response.StatusCode,
                    telemetry.Model ?? "-",
                    telemetry.Provider ?? "-",
                    _time.GetElapsedTime(started).TotalMilliseconds,
                    telemetry.InputTokens ?? 0,
                    telemetry.OutputTokens ?? 0);
            }
        }
    }

    /// <summary>The surface of a path: <c>openai</c> under <c>/v1</c>, <c>llm</c> under <c>/llm</c>, else <c>admin</c>.</summary>
    public static string SurfaceOf(PathString path) =>
        path.StartsWithSegments("/v1", StringComparison.OrdinalIgnoreCase) ? "openai"
        : path.StartsWithSegments("/llm", StringComparison.OrdinalIgnoreCase) ? "llm"
        : "admin";
}
