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
    /// Whether <c>GET /metrics</c> is served without the gateway key. Default false: when a key is
    /// configured (<c>SECRET_TOKEN</c>, <c>API_KEYS</c>) a scrape must send it as
    /// <c>Authorization: Bearer</c> (Prometheus' <c>authorization</c> scrape setting) or <c>X-API-Key</c>.
    /// </summary>
    public bool MetricsOpen { get; set; }

    /// <summary>
    /// Whether every finished request writes one Information line (category
    /// <c>OrleansGateway.Requests</c>): method, route, status, model, provider, duration, tokens. Default true.
    /// </summary>
    public bool RequestLog { get; set; } = true;
}
