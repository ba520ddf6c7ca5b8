namespace OrleansGateway.Hosting.Telemetry;

/// <summary>
/// The host-side telemetry switches (section <c>Gateway:Telemetry</c>). Export itself is configured by
/// the standard <c>OTEL_*</c> variables: traces, metrics and logs go over OTLP only when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
public sealed class GatewayTelemetryOptions
{
    /// <summary>The configuration section: <c>Gateway:Telemetry</c>.</summary>
    public const string SectionName = "Gateway:Telemetry";

    /// <summary>Whether the host collects metrics and serves them at <c>GET /metrics</c> (Prometheus text). Default true.</summary>
    public bool Metrics { get; set; } = true;

    /// <summary>
    /// Which of Orleans' own instruments (meter <c>Microsoft.Orleans</c>) are collected: <see cref="OrleansMetricsMode.Gauges"/>
    /// (the default: its observable gauges, which cost nothing per call), <see cref="OrleansMetricsMode.All"/> (the
    /// per-message counters and histograms too, about 8% more CPU per request in the HTTP benchmark) or
    /// <see cref="OrleansMetricsMode.None"/>. Only read while <see cref="Metrics"/> is on.
    /// </summary>
    public OrleansMetricsMode OrleansMetrics { get; set; } = OrleansMetricsMode.Gauges;

    /// <summary>
    /// Whether the metrics include the HttpClient meter <c>System.Net.Http</c> (<c>http.client.request.duration</c>
    /// of the provider calls, in-flight requests, connections). Default false: the provider calls are measured by
    /// <c>gen_ai.client.operation.duration</c> already, and HttpClient's four instruments cost several measurements
    /// per call. Only read while <see cref="Metrics"/> is on.
    /// </summary>
    public bool HttpMetrics { get; set; }

    /// <summary>
    /// Whether traces are collected: null (the default) traces only when they go somewhere
    /// (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set); true traces even without an exporter (spans are created
    /// and sampled, then dropped: what an in-process listener would see); false never traces.
    /// </summary>
    public bool? Traces { get; set; }

    /// <summary>
    /// Whether <c>GET /metrics</c> is served without the gateway key. Default false: when a key is
    /// configured (<c>SECRET_TOKEN</c>, <c>API_KEYS</c>) a scrape must send it as
    /// <c>Authorization: Bearer</c> (Prometheus' <c>authorization</c> scrape setting) or <c>X-API-Key</c>.
    /// </summary>
    public bool MetricsOpen { get; set; }

    /// <summary>
    /// Whether every finished request writes one Information line (category
    /// <c>OrleansGateway.Requests</c>): method, route, status, model, provider, duration, tokens,
    /// <c>x-request-id</c> and trace id. Default true.
    /// </summary>
    public bool RequestLog { get; set; } = true;
}
