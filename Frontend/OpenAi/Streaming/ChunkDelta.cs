using System.Text.Json.Serialization;

namespace OrleansGateway.Frontend.OpenAi.Streaming;

/// <summary>The <c>delta</c> of a <c>chat.completion.chunk</c> choice: the role first, then content; empty on the finish chunk.</summary>
public sealed record ChunkDelta(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Role,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Content);
