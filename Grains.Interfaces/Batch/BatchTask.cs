using System.Collections.Immutable;
using OrleansGateway.Chat;

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
}
