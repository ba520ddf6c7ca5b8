namespace OrleansGateway.Keys;

/// <summary>
/// The key grain's answer to one request: admitted with a reservation to settle or release, or turned
/// away by <see cref="Limit"/> with the whole seconds until the same request could fit (null when waiting
/// cannot help). <see cref="KeyLimitKind.Revoked"/>: the key is revoked, expired or unknown.
/// </summary>
[GenerateSerializer, Immutable, Alias("gw.KeyAdmissionResult")]
public sealed record KeyAdmissionResult(
    [property: Id(0)] long ReservationId,
    [property: Id(1)] KeyLimitKind Limit,
    [property: Id(2)] int? RetryAfterSeconds)
{
    /// <summary>True when the request was admitted and holds a reservation.</summary>
    public bool Admitted => Limit == KeyLimitKind.None;
}
