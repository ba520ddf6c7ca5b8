namespace OrleansGateway.Keys;

/// <summary>
/// A key grain's answer to <see cref="KeyGrantRequest"/>. Granted (<see cref="Refused"/> is
/// <see cref="KeyLimitKind.None"/> and <see cref="GrantId"/> is not 0): the frontend may admit up to
/// <see cref="Requests"/> requests with <see cref="Tokens"/> tokens in all (null: no such limit) for
/// <see cref="Life"/> from when it sent the request, and it holds <see cref="Parallel"/> more slots and
/// <see cref="Budget"/> more USD of budget period <see cref="BudgetPeriod"/> until it returns them (null: the key
/// has no such limit).
/// Refused: the limit that refuses even the smallest allowance and the whole seconds until it could fit
/// (null when waiting cannot help); <see cref="KeyLimitKind.Revoked"/> for a revoked, expired or unknown key.
/// <see cref="Replayed"/>: the grain had already answered this exchange; the allowance in it is not usable.
/// </summary>
[GenerateSerializer, Immutable, Alias("gw.KeyGrant")]
public sealed record KeyGrant(
    [property: Id(0)] long GrantId,
    [property: Id(1)] KeyLimitKind Refused,
    [property: Id(2)] int? RetryAfterSeconds,
    [property: Id(3)] int? Requests,
    [property: Id(4)] long? Tokens,
    [property: Id(5)] int? Parallel,
    [property: Id(6)] decimal? Budget,
    [property: Id(7)] long BudgetPeriod,
    [property: Id(8)] TimeSpan Life,
    [property: Id(9)] bool Replayed)
{
    /// <summary>True when an allowance was granted.</summary>
    public bool Granted => Refused == KeyLimitKind.None && GrantId != 0;
}
