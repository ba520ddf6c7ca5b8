namespace OrleansGateway.Keys;

/// <summary>
/// The answer of <see cref="KeyLimiter.TryAdmit"/>: admitted with a reservation id to settle or release,
/// or turned away by <see cref="Limit"/> with the time after which the same request could fit
/// (<see cref="RetryAfter"/>; null when waiting cannot help, e.g. a request larger than the limit itself).
/// </summary>
public sealed record KeyAdmission(long ReservationId, KeyLimitKind Limit, TimeSpan? RetryAfter)
{
    /// <summary>True when the request was admitted and holds a reservation.</summary>
    public bool Admitted => Limit == KeyLimitKind.None;
}
