namespace OrleansGateway.Batch;

/// <summary>An OpenAI batch object's content: status (OpenAI's words), files, errors, counts and timestamps.</summary>
[GenerateSerializer, Immutable, Alias("gw.OpenAiBatchView")]
public sealed record OpenAiBatchView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Endpoint,
    [property: Id(2)] string InputFileId,
    [property: Id(3)] string CompletionWindow,
    [property: Id(4)] string Status,
    [property: Id(5)] DateTimeOffset CreatedAt)
{
    [Id(6)] public string? OutputFileId { get; init; }

    [Id(7)] public string? ErrorFileId { get; init; }

    [Id(8)] public ImmutableArray<BatchLineError> Errors { get; init; } = [];

    [Id(9)] public int Total { get; init; }

    [Id(10)] public int Completed { get; init; }

    [Id(11)] public int Failed { get; init; }

    [Id(12)] public TokenUsage Usage { get; init; } = TokenUsage.Zero;

    [Id(13)] public string? MetadataJson { get; init; }

    [Id(14)] public DateTimeOffset? InProgressAt { get; init; }

    [Id(15)] public DateTimeOffset? ExpiresAt { get; init; }

    [Id(16)] public DateTimeOffset? FinalizingAt { get; init; }

    [Id(17)] public DateTimeOffset? CompletedAt { get; init; }

    [Id(18)] public DateTimeOffset? FailedAt { get; init; }

    [Id(19)] public DateTimeOffset? ExpiredAt { get; init; }

    [Id(20)] public DateTimeOffset? CancellingAt { get; init; }

    [Id(21)] public DateTimeOffset? CancelledAt { get; init; }

    /// <summary>The virtual key (its id) that created the batch and pays for its lines; null: an admin key.</summary>
    [Id(22)] public string? KeyId { get; init; }
}
