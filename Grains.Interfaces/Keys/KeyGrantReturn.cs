namespace OrleansGateway.Keys;

/// <summary>
/// What a frontend reports of one allowance it was granted: <see cref="RequestsUsed"/> (set once, when it
/// stops admitting under it; null when unchanged) and <see cref="TokenDelta"/>, the change to the tokens the
/// grain counts for it (negative for tokens it did not use or that settled below their reservation).
/// </summary>
[GenerateSerializer, Immutable, Alias("gw.KeyGrantReturn")]
public sealed record KeyGrantReturn(
    [property: Id(0)] long GrantId,
    [property: Id(1)] int? RequestsUsed,
    [property: Id(2)] long TokenDelta);
