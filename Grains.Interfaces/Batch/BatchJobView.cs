namespace OrleansGateway.Batch;

/// <summary>
/// A batch job's document without its results: status, timestamps and counters derived from the
/// states of its tasks (<see cref="CompletedCount"/> + <see cref="FailedCount"/> == <see cref="TaskCount"/> when completed).
/// </summary>
[GenerateSerializer, Immutable, Alias("gw.BatchJobView")]
public sealed record BatchJobView(
    [property: Id(0)] string JobId,
    [property: Id(1)] BatchJobStatus Status,
    [property: Id(2)] string Model,
    [property: Id(3)] DateTimeOffset SubmittedAt,
    [property: Id(4)] int TaskCount,
    [property: Id(5)] int CompletedCount,
    [property: Id(6)] int FailedCount,
    [property: Id(7)] TokenUsage Usage)
{
    [Id(8)] public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When the job reached completed, failed or cancelled.</summary>
    [Id(9)] public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Why the job failed (status <see cref="BatchJobStatus.Failed"/>).</summary>
    [Id(10)] public string? Error { get; init; }

    /// <summary>The client's <c>batch_metadata</c> as raw JSON text.</summary>
    [Id(11)] public string? MetadataJson { get; init; }

    /// <summary>When the job's window closes (null: never).</summary>
    [Id(12)] public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The virtual key (its id) that created the job and pays for its tasks; null: an admin key.</summary>
    [Id(13)] public string? KeyId { get; init; }
}
