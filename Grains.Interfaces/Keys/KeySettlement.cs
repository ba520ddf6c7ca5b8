namespace OrleansGateway.Keys;

/// <summary>How a request admitted under a reservation ended: the model that answered, its reported (or estimated) tokens and their cost.</summary>
[GenerateSerializer, Immutable, Alias("gw.KeySettlement")]
public sealed record KeySettlement(
    [property: Id(0)] string Model,
    [property: Id(1)] int InputTokens,
    [property: Id(2)] int OutputTokens,
    [property: Id(3)] decimal Cost,
    [property: Id(4)] bool Priced);
