namespace OrleansGateway.Chat;

/// <summary>
/// A chat completion as the gateway runs it, independent of the HTTP surface it came from.
/// <see cref="Model"/> is <c>provider/model_name</c>; <see cref="Fallbacks"/> are tried in order.
/// </summary>
[GenerateSerializer, Immutable, Alias("gw.ChatRequest")]
public sealed record ChatRequest(
    [property: Id(0)] string Model,
    [property: Id(1)] ImmutableArray<ChatMessage> Messages)
{
    [Id(2)] public int? MaxTokens { get; init; }
    [Id(3)] public float? Temperature { get; init; }
    [Id(4)] public float? TopP { get; init; }
    [Id(5)] public ImmutableArray<string> Stop { get; init; } = [];
    [Id(6)] public long? Seed { get; init; }
    [Id(7)] public ResponseFormatSpec? ResponseFormat { get; init; }
    [Id(8)] public string? User { get; init; }
    [Id(9)] public ImmutableDictionary<string, string> Metadata { get; init; } = ImmutableDictionary<string, string>.Empty;
    [Id(10)] public ImmutableArray<string> Fallbacks { get; init; } = [];
    [Id(11)] public RequestPriority Priority { get; init; } = RequestPriority.Interactive;
    [Id(12)] public bool IncludeStreamUsage { get; init; } = true;

    /// <summary>The OpenAI surface's raw messages and unowned fields, forwarded unchanged; null on the <c>/llm</c> surface.</summary>
    [Id(13)] public OpenAiPassThrough? PassThrough { get; init; }

    /// <summary>The batch job a task's request runs for; tags the request's provider-call spans (<c>gateway.batch.job_id</c>).</summary>
    [Id(14)] public string? BatchJobId { get; init; }
}
