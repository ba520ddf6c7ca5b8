using OrleansGateway.Chat;

namespace OrleansGateway.Providers;

/// <summary>A request for one of a provider's concurrency slots.</summary>
[GenerateSerializer, Immutable, Alias("gw.LeaseRequest")]
public sealed record LeaseRequest(
    [property: Id(0)] RequestPriority Priority,
    [property: Id(1)] string Holder);
