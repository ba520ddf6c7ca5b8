namespace OrleansGateway.Keys;

/// <summary>
/// How requests admitted under a reservation ended: the model that answered, their reported (or estimated) tokens
/// and their cost. One request (<see cref="Requests"/> 1) as the frontend settles it; in an exchange with the key's
/// grain the frontend sends one per model with the sums of the requests it settled since the last exchange.
/// </summary>
[GenerateSerializer, Immutable, Alias("gw.KeySettlement")]
public sealed record KeySettlement(
    [property: Id(0)] string Model,
    [property: Id(1)] int InputTokens,
    [property: Id(2)] int OutputTokens,
    [property: Id(3)] decimal Cost,
    [property: Id(4)] bool Priced,
    [property: Id(5)] int Requests = 1);
