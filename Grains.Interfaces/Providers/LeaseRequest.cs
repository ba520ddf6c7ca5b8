namespace OrleansGateway.Providers;

/// <summary>
/// A request for one of a provider's concurrency slots. <see cref="RequestId"/>, made by the caller once
/// per slot it wants, makes asking again idempotent: while the grant for that id is held, the same lease is
/// answered (the first answer may have been lost when the provider's grain moved to another silo).
/// <see cref="Guid.Empty"/> asks without that guarantee. <see cref="Holder"/> names the silo whose process will
/// hold the slot (its <c>SiloAddress.ToParsableString()</c>), so the grain can free the slot as soon as the cluster
/// declares that silo dead instead of waiting for the lease to expire; null when unknown. Field 1 was a "holder" label that nothing read; it is
/// left out and its id stays unused: a label from an older caller is skipped, and an older grain, which never read it, gets none.
/// </summary>
[GenerateSerializer, Immutable, Alias("gw.LeaseRequest")]
public sealed record LeaseRequest(
    [property: Id(0)] RequestPriority Priority,
    [property: Id(2)] Guid RequestId = default,
    [property: Id(3)] string? Holder = null);
