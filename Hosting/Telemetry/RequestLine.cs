namespace OrleansGateway.Hosting.Telemetry;

/// <summary>One finished request, as the request line reports it (<see cref="RequestLineWriter"/>).</summary>
public readonly record struct RequestLine(
    string Method, string Route, int Status, double DurationMs, string? Model, string? Provider,
    long? InputTokens, long? OutputTokens, string? RequestId, string? TraceId);
