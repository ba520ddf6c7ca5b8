namespace OrleansGateway.Providers;

/// <summary>A provider's limiter and health as its grain sees them now.</summary>
[GenerateSerializer, Immutable, Alias("gw.ProviderStatus")]
public sealed record ProviderStatus(
    [property: Id(0)] string Provider,
    [property: Id(1)] int MaxConcurrency,
    [property: Id(2)] int InFlight,
    [property: Id(3)] int QueuedInteractive,
    [property: Id(4)] int QueuedBatch,
    [property: Id(5)] int RecentSuccesses,
    [property: Id(6)] int RecentFailures,
    [property: Id(7)] string CircuitState);
