using OrleansGateway.Chat;

namespace OrleansGateway.Hosting.Telemetry;

/// <summary>
/// What an endpoint tells the request line about its request (model, provider, tokens); one per request,
/// in <c>HttpContext.Features</c> and in <see cref="Current"/> while <see cref="RequestTelemetryMiddleware"/> runs
/// with the request line on. Handlers that know nothing of models leave it empty.
/// </summary>
public sealed class GatewayRequestTelemetry
{
    private static readonly AsyncLocal<GatewayRequestTelemetry?> s_current = new();
    private bool _answered;

    /// <summary>
    /// The current request's telemetry, or null (outside a request, or with the request line off): the code that
    /// learns what answered (the chat and embedding dispatchers) reports it here without knowing of HTTP.
    /// </summary>
    public static GatewayRequestTelemetry? Current
    {
        get => s_current.Value;
        internal set => s_current.Value = value;
    }

    /// <summary>The surface the request came in on: <c>openai</c> (<c>/v1</c>), <c>llm</c> (<c>/llm</c>) or <c>admin</c>.</summary>
    public string Surface { get; internal set; } = "admin";

    /// <summary>The model: the <c>provider/model</c> that answered, or as the client named it while nothing answered.</summary>
    public string? Model { get; set; }

    /// <summary>The provider that answered (or was tried last).</summary>
    public string? Provider { get; set; }

    /// <summary>Input (prompt) tokens of the answer, when known.</summary>
    public long? InputTokens { get; set; }

    /// <summary>Output (completion) tokens of the answer, when known.</summary>
    public long? OutputTokens { get; set; }

    /// <summary>
    /// Records what answered: <paramref name="answeredModel"/> as <c>provider/model</c> (its provider is the part
    /// before the first '/'), and adds the usage when known (a request that calls several times, as a long
    /// summarization does, shows the sum).
    /// </summary>
    public void Answered(string answeredModel, TokenUsage? usage)
    {
        var slash = answeredModel.IndexOf('/');
        Provider = slash > 0 ? answeredModel[..slash] : null;
        Model = slash > 0 ? answeredModel[(slash + 1)..] : answeredModel;
        _answered = true;
        if (usage is not null)
        {
            InputTokens = (InputTokens ?? 0) + usage.PromptTokens;
            OutputTokens = (OutputTokens ?? 0) + usage.CompletionTokens;
        }
    }

    /// <summary>Records the model asked for (<c>provider/model</c>), until something answers.</summary>
    public void Requested(string requestedModel)
    {
        if (!_answered)
        {
            var slash = requestedModel.IndexOf('/');
            Provider = slash > 0 ? requestedModel[..slash] : null;
            Model = slash > 0 ? requestedModel[(slash + 1)..] : requestedModel;
        }
    }
}
