using System.Collections.Immutable;

namespace OrleansGateway.Keys;

/// <summary>
/// One frontend's exchange with a key's grain (<see cref="IKeyGrain.GrantAsync"/>): what it reports since
/// its last exchange, and what it asks for (<see cref="Ask"/>; null when it only reports and returns).
/// <see cref="Holder"/> names the frontend process; <see cref="Sequence"/> increases per exchange, so a
/// retried exchange the grain already applied is answered again without being applied twice.
/// Holds are exchanged as changes: <see cref="ParallelReturned"/> slots and <see cref="BudgetReturned"/>
/// USD the frontend no longer holds; <see cref="BudgetSettled"/> USD of its held budget became spend of
/// budget period <see cref="BudgetPeriod"/> (the period its holds were granted in).
/// </summary>
[GenerateSerializer, Immutable, Alias("gw.KeyGrantRequest")]
public sealed record KeyGrantRequest(
    [property: Id(0)] string Holder,
    [property: Id(1)] long Sequence,
    [property: Id(2)] ImmutableArray<KeyGrantReturn> Returns,
    [property: Id(3)] ImmutableArray<KeySettlement> Settled,
    [property: Id(4)] long BudgetPeriod,
    [property: Id(5)] decimal BudgetSettled,
    [property: Id(6)] decimal BudgetReturned,
    [property: Id(7)] int ParallelReturned,
    [property: Id(8)] int InFlight,
    [property: Id(9)] KeyGrantAsk? Ask);
