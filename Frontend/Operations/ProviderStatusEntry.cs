namespace OrleansGateway.Frontend.Operations;

/// <summary>One provider's limiter and health in <c>GET /v1/providers</c>.</summary>
public sealed record ProviderStatusEntry(
    string Provider,
    int MaxConcurrency,
    int InFlight,
    QueuedCounts Queued,
    RecentCounts Recent,
    string Circuit);
