namespace OrleansGateway.Streaming;

/// <summary>
/// One event of a streamed completion, as the grain yields it: a <see cref="ChatStreamEventKind.Delta"/>
/// with new text, then one <see cref="ChatStreamEventKind.Completed"/> or <see cref="ChatStreamEventKind.Failed"/>.
/// <see cref="Model"/> is the <c>provider/model</c> that answered.
/// </summary>
[GenerateSerializer, Immutable, Alias("gw.ChatStreamEvent")]
public sealed record ChatStreamEvent(
    [property: Id(0)] ChatStreamEventKind Kind,
    [property: Id(1)] string Id,
    [property: Id(2)] string Model,
    [property: Id(3)] string Text)
{
    /// <summary>When the completion was created (Unix seconds).</summary>
    [Id(4)] public long CreatedUnixSeconds { get; init; }

    /// <summary>The finish reason of a <see cref="ChatStreamEventKind.Completed"/> event.</summary>
    [Id(5)] public string? FinishReason { get; init; }

    /// <summary>The usage of a <see cref="ChatStreamEventKind.Completed"/> event (the provider's, or estimated).</summary>
    [Id(6)] public TokenUsage? Usage { get; init; }

    /// <summary>The error of a <see cref="ChatStreamEventKind.Failed"/> event.</summary>
    [Id(7)] public GatewayError? Error { get; init; }

    /// <summary>
    /// The provider's <c>chat.completion.chunk</c> JSON as it came, on the deltas of a request with
    /// <see cref="ChatRequest.PassThrough"/> (tool-call deltas, several choices, logprobs); null otherwise.
    /// </summary>
    [Id(8)] public string? RawChunk { get; init; }

    public static ChatStreamEvent Delta(string id, string model, long created, string text) =>
        new(ChatStreamEventKind.Delta, id, model, text) { CreatedUnixSeconds = created };

    public static ChatStreamEvent RawDelta(string id, string model, long created, string text, string rawChunk) =>
        new(ChatStreamEventKind.Delta, id, model, text) { CreatedUnixSeconds = created, RawChunk = rawChunk };

    public static ChatStreamEvent Completed(string id, string model, long created, string text, string finishReason, TokenUsage usage) =>
        new(ChatStreamEventKind.Completed, id, model, text) { CreatedUnixSeconds = created, FinishReason = finishReason, Usage = usage };

    public static ChatStreamEvent Failed(GatewayError error) =>
        new(ChatStreamEventKind.Failed, string.Empty, string.Empty, string.Empty) { Error = error };
}
