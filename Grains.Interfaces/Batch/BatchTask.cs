using OrleansGateway.Embeddings;

namespace OrleansGateway.Batch;

/// <summary>One task of a batch job: its id (unique in the job), its conversation and its own limits, if any.</summary>
[GenerateSerializer, Immutable, Alias("gw.BatchTask")]
public sealed record BatchTask(
    [property: Id(0)] string Id,
    [property: Id(1)] ImmutableArray<ChatMessage> Messages)
{
    /// <summary>The task's token limit; null uses the job's.</summary>
    [Id(2)] public int? MaxTokens { get; init; }

    /// <summary>The task's temperature; null uses the job's.</summary>
    [Id(3)] public float? Temperature { get; init; }

    /// <summary>
    /// A whole chat request (an OpenAI batch line's <c>body</c>, mapped as <c>/v1/chat/completions</c> maps it,
    /// pass-through included), run instead of <see cref="Messages"/> and the job's parameters; its own model. Null for <c>/v1/batch/generate</c>.
    /// </summary>
    [Id(4)] public ChatRequest? Chat { get; init; }

    /// <summary>An embeddings request (an OpenAI batch line for <c>/v1/embeddings</c>), run instead of a chat; null otherwise.</summary>
    [Id(5)] public EmbeddingRequest? Embedding { get; init; }
}
