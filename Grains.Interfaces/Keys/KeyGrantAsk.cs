namespace OrleansGateway.Keys;

/// <summary>
/// The allowance a frontend asks for. It is granted only if its smallest useful part fits every limit: one
/// request of <see cref="MinTokens"/> tokens, <see cref="MinParallel"/> more parallel slots (1 when the
/// frontend has no free slot for the request waiting, else 0) and <see cref="MinCost"/> more USD of budget;
/// beyond that the grain adds up to <see cref="Requests"/> requests, <see cref="Tokens"/> tokens,
/// <see cref="Parallel"/> slots and <see cref="Budget"/> USD in all, for the requests the frontend expects
/// during the allowance's life, as far as the limits leave room for other frontends.
/// </summary>
[GenerateSerializer, Immutable, Alias("gw.KeyGrantAsk")]
public sealed record KeyGrantAsk(
    [property: Id(0)] long MinTokens,
    [property: Id(1)] int MinParallel,
    [property: Id(2)] decimal MinCost,
    [property: Id(3)] int Requests,
    [property: Id(4)] long Tokens,
    [property: Id(5)] int Parallel,
    [property: Id(6)] decimal Budget);
