namespace OrleansGateway.Keys;

/// <summary>
/// One key's usage of one model on one day (UTC): requests, input and output tokens as the providers
/// reported them, and the spend in USD; <see cref="Priced"/> false when the model has no configured price
/// (it then costs 0).
/// </summary>
[GenerateSerializer, Immutable, Alias("gw.KeyUsage")]
public sealed record KeyUsage(
    [property: Id(0)] DateOnly Day,
    [property: Id(1)] string Model,
    [property: Id(2)] long Requests,
    [property: Id(3)] long InputTokens,
    [property: Id(4)] long OutputTokens,
    [property: Id(5)] decimal Spend,
    [property: Id(6)] bool Priced);
