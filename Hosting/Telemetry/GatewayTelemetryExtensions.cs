using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Diagnostics;

namespace OrleansGateway.Hosting.Telemetry;

/// <summary>The host-side observability both hosts (frontend and silo) register: OpenTelemetry, <c>/metrics</c>, request lines.</summary>
public static class GatewayTelemetryExtensions
{
    /// <summary>
    /// The gateway's own ActivitySource and Meter name (<c>GatewayTelemetry.ActivitySourceName</c> and
    /// <c>MeterName</c> in Grains/Telemetry, published by the grain side as "OrleansGateway").
    /// </summary>
    public const string GatewaySourceName = global::OrleansGateway.Telemetry.GatewayTelemetry.MeterName;

    /// <summary>Orleans' meter (grain calls, activations, messaging).</summary>
    public const string OrleansMeterName = "Microsoft.Orleans";

    /// <summary>
    /// ASP.NET Core's meters the host collects: request durations and in-flight requests (<c>http.server.*</c>),
    /// Kestrel's connections, unhandled exceptions and rate limiting; not routing's per-request match counter.
    /// </summary>
    public static readonly string[] AspNetCoreMeterNames =
        ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Diagnostics", "Microsoft.AspNetCore.RateLimiting"];

    /// <summary>Where the Prometheus text is served.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>
    /// Whether traces are collected: as <see cref="GatewayTelemetryOptions.Traces"/> says, and by default only when
    /// they go somewhere (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set).
    /// </summary>
    public static bool IsTracing(IConfiguration configuration) =>
        configuration.GetValue<bool?>(GatewayTelemetryOptions.SectionName + ":" + nameof(GatewayTelemetryOptions.Traces)) ?? IsExporting(configuration);

    /// <summary>Whether telemetry is exported over OTLP (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set).</summary>
    public static bool IsExporting(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    /// <summary>
    /// OpenTelemetry configured by the standard <c>OTEL_*</c> variables (<see cref="GatewayTelemetryOptions"/> for the
    /// switches). Metrics (unless <c>Gateway:Telemetry:Metrics=false</c>): the gateway's meter, Orleans' gauges (all of
    /// <c>Microsoft.Orleans</c> with <c>OrleansMetrics=All</c>), ASP.NET Core's meters but routing's (requests by route
    /// and status, tagged with <c>gateway.surface</c>), and HttpClient's with <c>HttpMetrics=true</c>; served at
    /// <c>/metrics</c> (<see cref="UseGatewayMetricsEndpoint"/>) and exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>
    /// is set. Traces when <see cref="IsTracing"/> (by default only with that endpoint): the gateway's ActivitySource,
    /// Orleans' sources (with activity propagation across grain calls, added by the silo and client set-up), ASP.NET
    /// Core and HttpClient; otherwise nothing listens, so nothing is traced. Logs over OTLP with the endpoint. Log
    /// scopes carry the trace and span id. Idempotent.
    /// </summary>
    public static IHostApplicationBuilder AddGatewayTelemetry(this IHostApplicationBuilder builder)
    {
        if (builder.Services.Any(d => d.ServiceType == typeof(MetricsKeyGate)))
        {
            return builder;
        }

        var options = builder.Configuration.GetSection(GatewayTelemetryOptions.SectionName).Get<GatewayTelemetryOptions>() ?? new GatewayTelemetryOptions();
        builder.Services.AddOptions<GatewayTelemetryOptions>().BindConfiguration(GatewayTelemetryOptions.SectionName);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => new MetricsKeyGate(sp.GetRequiredService<IConfiguration>(), options.MetricsOpen));
        builder.Services.AddSingleton<RequestLineWriter>();
        builder.Services.AddHostedService(static sp => sp.GetRequiredService<RequestLineWriter>());
        builder.Services.Configure<LoggerFactoryOptions>(logging =>
            logging.ActivityTrackingOptions |= ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);

        var tracing = IsTracing(builder.Configuration);
        if (!options.Metrics && !tracing)
        {
            return builder;
        }

        var otel = builder.Services.AddOpenTelemetry();
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_SERVICE_NAME"]))
        {
            otel.ConfigureResource(resource => resource.AddService(builder.Environment.ApplicationName));
        }

        if (options.Metrics)
        {
            otel.WithMetrics(metrics =>
            {
                // ASP.NET Core's meters without routing's per-request match counter (the route is on the request duration).
                metrics.AddMeter(GatewaySourceName).AddMeter(AspNetCoreMeterNames).AddPrometheusExporter();
                if (options.OrleansMetrics != OrleansMetricsMode.None)
                {
                    metrics.AddMeter(OrleansMeterName);
                }

                if (options.OrleansMetrics == OrleansMetricsMode.Gauges)
                {
                    // An instrument every view drops is never enabled, so Orleans' per-message counters then cost nothing.
                    metrics.AddView(static instrument =>
                        instrument.Meter.Name == OrleansMeterName && !instrument.IsObservable ? MetricStreamConfiguration.Drop : null);
                }

                if (options.HttpMetrics)
                {
                    metrics.AddHttpClientInstrumentation();
                }
            });
        }

        if (tracing)
        {
            otel.WithTracing(traces => traces
                .AddSource(global::OrleansGateway.Telemetry.GatewayTelemetry.ActivitySourceName, ActivitySources.AllActivitySourceName)
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = static context => !IsQuietPath(context.Request.Path))
                .AddHttpClientInstrumentation());
        }

        if (IsExporting(builder.Configuration))
        {
            otel.WithLogging();
            otel.UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>
    /// A frontend's request telemetry (<see cref="RequestTelemetryMiddleware"/>: the request line and the surface tag).
    /// Call first, before the request id middleware: the request line repeats the request id and trace id itself, so it
    /// is written outside the request's log scope, whose formatting would cost as much again.
    /// </summary>
    public static IApplicationBuilder UseGatewayRequestTelemetry(this IApplicationBuilder app) =>
        app.UseMiddleware<RequestTelemetryMiddleware>();

    /// <summary>Serves <c>GET /metrics</c> (behind <see cref="MetricsKeyGate"/>) ahead of the rest of the pipeline, unless metrics are off.</summary>
    public static IApplicationBuilder UseGatewayMetricsEndpoint(this IApplicationBuilder app)
    {
        var options = app.ApplicationServices.GetRequiredService<IOptions<GatewayTelemetryOptions>>().Value;
        if (options.Metrics)
        {
            var gate = app.ApplicationServices.GetRequiredService<MetricsKeyGate>();
            app.UseOpenTelemetryPrometheusScrapingEndpoint(
                meterProvider: null,
                predicate: static context => context.Request.Path == MetricsPath,
                path: null,
                configureBranchedPipeline: branch => branch.Use((context, next) =>
                {
                    if (gate.Allows(context.Request))
                    {
                        return next(context);
                    }

                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    context.Response.Headers.WWWAuthenticate = "Bearer";
                    return context.Response.WriteAsync("GET /metrics needs the gateway key: 'Authorization: Bearer <key>'.");
                }),
                optionsName: null);
        }

        return app;
    }

    /// <summary>Paths neither traced nor logged per request: the scrape and the health check.</summary>
    public static bool IsQuietPath(PathString path) =>
        path.StartsWithSegments(MetricsPath, StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase);
}
