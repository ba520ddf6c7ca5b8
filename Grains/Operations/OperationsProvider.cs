namespace OrleansGateway.Operations;

/// <summary>One provider on the operations page: its limiter, health and token rate as the cluster sees them now.</summary>
public sealed record OperationsProvider(
    string Name,
    int Limit,
    int InFlight,
    int QueuedInteractive,
    int QueuedBatch,
    string Circuit,
    int RecentSuccesses,
    int RecentFailures,
    double? ErrorRate,
    long? TokensPerMinute,
    string? Error);
