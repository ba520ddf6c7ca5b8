using OrleansGateway.Chat;

namespace OrleansGateway.Batch;

/// <summary>One task's result as clients see it: its index in the job, id, status, and output or error.</summary>
[GenerateSerializer, Immutable, Alias("gw.BatchTaskResult")]
public sealed record BatchTaskResult(
    [property: Id(0)] int Index,
    [property: Id(1)] string Id,
    [property: Id(2)] BatchTaskStatus Status,
    [property: Id(3)] string? Output,
    [property: Id(4)] TokenUsage? Usage,
    [property: Id(5)] string? Error);
