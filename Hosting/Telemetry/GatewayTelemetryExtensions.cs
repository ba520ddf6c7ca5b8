using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
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

    /// <summary>Where the Prometheus text is served.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>Whether traces are collected: only when they go somewhere (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set).</summary>
    public static bool IsTracing(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    /// <summary>
    /// OpenTelemetry configured by the standard <c>OTEL_*</c> variables. Metrics (unless
    /// <c>Gateway:Telemetry:Metrics=false</c>): the gateway's meter, <c>Microsoft.Orleans</c>, ASP.NET Core
    /// (requests by route and status, tagged with <c>gateway.surface</c>) and HttpClient, served at
    /// <c>/metrics</c> (<see cref="UseGatewayTelemetry"/>) and exported over OTLP when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. Traces and logs over OTLP only then: the gateway's
    /// ActivitySource, Orleans' sources (with activity propagation across grain calls, added by the silo
    /// and client set-up), ASP.NET Core and HttpClient; with no endpoint nothing listens, so nothing is
    /// traced. Log scopes carry the trace and span id. Idempotent.
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
            otel.WithMetrics(metrics => metrics
                .AddMeter(GatewaySourceName, OrleansMeterName)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddPrometheusExporter());
        }

        if (tracing)
        {
            otel.WithTracing(traces => traces
                .AddSource(global::OrleansGateway.Telemetry.GatewayTelemetry.ActivitySourceName, ActivitySources.AllActivitySourceName)
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = static context => !IsQuietPath(context.Request.Path))
                .AddHttpClientInstrumentation());
            otel.WithLogging();
            otel.UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>
    /// A frontend's telemetry middleware: <see cref="UseGatewayMetricsEndpoint"/>, then
    /// <see cref="RequestTelemetryMiddleware"/>. Call after the request id middleware and before auth.
    /// </summary>
    public static IApplicationBuilder UseGatewayTelemetry(this IApplicationBuilder app) =>
        app.UseGatewayMetricsEndpoint().UseMiddleware<RequestTelemetryMiddleware>();

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
