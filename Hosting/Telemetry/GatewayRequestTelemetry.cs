namespace OrleansGateway.Hosting.Telemetry;

/// <summary>
/// What an endpoint tells the request line about its request (model, provider, tokens); one per request,
/// in <c>HttpContext.Features</c> while <see cref="RequestTelemetryMiddleware"/> runs. Handlers that know
/// nothing of models leave it empty.
/// </summary>
public sealed class GatewayRequestTelemetry
{
    /// <summary>The surface the request came in on: <c>openai</c> (<c>/v1</c>), <c>llm</c> (<c>/llm</c>) or <c>admin</c>.</summary>
    public string Surface { get; internal set; } = "admin";

    /// <summary>The model asked for, as the client named it.</summary>
    public string? Model { get; set; }

    /// <summary>The provider that answered (or was tried last).</summary>
    public string? Provider { get; set; }

    /// <summary>Input (prompt) tokens of the answer, when known.</summary>
    public long? InputTokens { get; set; }

    /// <summary>Output (completion) tokens of the answer, when known.</summary>
    public long? OutputTokens { get; set; }
}
