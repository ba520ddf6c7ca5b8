namespace OrleansGateway.Operations;

/// <summary>One batch job on the operations page: its counts, progress and rate.</summary>
public sealed record OperationsBatchJob(
    string Id,
    string Status,
    string Model,
    DateTimeOffset SubmittedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    int Total,
    int Completed,
    int Failed,
    long Tokens,
    double? TasksPerMinute,
    string? Error);
