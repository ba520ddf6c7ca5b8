namespace OrleansGateway.Batch;

/// <summary>One task's result as clients see it: its index in the job, id, status, and output or error.</summary>
[GenerateSerializer, Immutable, Alias("gw.BatchTaskResult")]
public sealed record BatchTaskResult(
    [property: Id(0)] int Index,
    [property: Id(1)] string Id,
    [property: Id(2)] BatchTaskStatus Status,
    [property: Id(3)] string? Output,
    [property: Id(4)] TokenUsage? Usage,
    [property: Id(5)] string? Error)
{
    /// <summary>The whole chat result of a task that ran a <see cref="BatchTask.Chat"/> request.</summary>
    [Id(6)] public ChatResult? Chat { get; init; }

    /// <summary>The provider's embeddings body of a task that ran a <see cref="BatchTask.Embedding"/> request.</summary>
    [Id(7)] public byte[]? EmbeddingBody { get; init; }

    /// <summary>The <c>provider/model</c> that answered <see cref="EmbeddingBody"/>.</summary>
    [Id(8)] public string? AnsweredModel { get; init; }

    /// <summary>The error of a failed task that ran a whole request (its kind gives the status the endpoint would have answered).</summary>
    [Id(9)] public GatewayError? Failure { get; init; }
}
