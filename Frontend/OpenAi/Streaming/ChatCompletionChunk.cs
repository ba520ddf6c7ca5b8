using System.Text.Json.Serialization;

namespace OrleansGateway.Frontend.OpenAi.Streaming;

/// <summary>An OpenAI <c>chat.completion.chunk</c>; the usage chunk has no choices and a <c>usage</c>.</summary>
public sealed record ChatCompletionChunk(
    string Id,
    string Object,
    long Created,
    string Model,
    IReadOnlyList<ChunkChoice> Choices,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] OpenAiUsage? Usage);
