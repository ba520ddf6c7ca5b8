namespace OrleansGateway.Operations;

/// <summary>What the operations page shows, as <c>GET /operations/status</c> answers it: every provider, the newest batch jobs first.</summary>
public sealed record OperationsStatus(
    DateTimeOffset GeneratedAt,
    string Host,
    IReadOnlyList<OperationsProvider> Providers,
    IReadOnlyList<OperationsBatchJob> Jobs,
    IReadOnlyList<string> Errors);
