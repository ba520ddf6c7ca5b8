using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace OrleansGateway.Hosting.Telemetry;

/// <summary>
/// Per request: offers a <see cref="GatewayRequestTelemetry"/> to the endpoint, tags ASP.NET Core's own
/// <c>http.server.request.duration</c> (which counts requests by <c>http.route</c>, <c>http.request.method</c> and
/// <c>http.response.status_code</c>) with <c>gateway.surface</c> instead of counting them a second time, and when
/// <see cref="GatewayTelemetryOptions.RequestLog"/> is on queues one Information line (<see cref="RequestLineWriter"/>). Cheap: one tag added to a
/// list ASP.NET Core keeps anyway, and the line's arguments are gathered only when its level is enabled.
/// </summary>
public sealed class RequestTelemetryMiddleware
{
    /// <summary>The log category of the request lines.</summary>
    public const string LogCategory = "OrleansGateway.Requests";

    /// <summary>The tag naming the request's surface on <c>http.server.request.duration</c>.</summary>
    public const string SurfaceTag = "gateway.surface";

    /// <summary>Where the frontend's request id middleware keeps the request's <c>x-request-id</c> (<c>HttpContext.Items</c>).</summary>
    public const string RequestIdItem = "x-request-id";

    private readonly RequestDelegate _next;
    private readonly TimeProvider _time;
    private readonly bool _log;
    private readonly RequestLineWriter _lines;

    public RequestTelemetryMiddleware(RequestDelegate next, IOptions<GatewayTelemetryOptions> options, TimeProvider time, RequestLineWriter lines)
    {
        _next = next;
        _time = time;
        _log = options.Value.RequestLog;
        _lines = lines;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var telemetry = new GatewayRequestTelemetry { Surface = SurfaceOf(context.Request.Path) };
        context.Features.Set(telemetry);
        // Present while something listens to ASP.NET Core's request duration (metrics on).
        context.Features.Get<IHttpMetricsTagsFeature>()?.Tags.Add(new KeyValuePair<string, object?>(SurfaceTag, telemetry.Surface));
        var logging = _log && _lines.IsEnabled;
        if (logging)
        {
            GatewayRequestTelemetry.Current = telemetry;
        }

        var started = _time.GetTimestamp();
        try
        {
            await _next(context).ConfigureAwait(false);
        }
        finally
        {
            if (logging && !GatewayTelemetryExtensions.IsQuietPath(context.Request.Path))
            {
                var route = context.GetEndpoint() is RouteEndpoint endpoint ? endpoint.RoutePattern.RawText : null;
                WriteLine(context, telemetry, route, context.Response.StatusCode, _time.GetElapsedTime(started));
            }
        }
    }

    private void WriteLine(HttpContext context, GatewayRequestTelemetry telemetry, string? route, int status, TimeSpan elapsed) =>
        _lines.Write(new RequestLine(
            context.Request.Method,
            route ?? context.Request.Path.Value ?? "/",
            status,
            elapsed.TotalMilliseconds,
            telemetry.Model,
            telemetry.Provider,
            telemetry.InputTokens,
            telemetry.OutputTokens,
            context.Items.TryGetValue(RequestIdItem, out var id) ? id as string : null,
            Activity.Current is { } activity ? activity.TraceId.ToHexString() : null));

    /// <summary>The surface of a path: <c>openai</c> under <c>/v1</c>, <c>llm</c> under <c>/llm</c>, else <c>admin</c>.</summary>
    public static string SurfaceOf(PathString path) =>
        path.StartsWithSegments("/v1", StringComparison.OrdinalIgnoreCase) ? "openai"
        : path.StartsWithSegments("/llm", StringComparison.OrdinalIgnoreCase) ? "llm"
        : "admin";
}
