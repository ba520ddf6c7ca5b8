namespace OrleansGateway.Keys;

/// <summary>A virtual key as its grain sees it now: settings, state and the current period's spend; never its secret.</summary>
[GenerateSerializer, Immutable, Alias("gw.VirtualKeyView")]
public sealed record VirtualKeyView(
    [property: Id(0)] string Id,
    [property: Id(1)] VirtualKeySettings Settings,
    [property: Id(2)] DateTimeOffset CreatedAt,
    [property: Id(3)] bool Revoked,
    [property: Id(4)] decimal Spend,
    [property: Id(5)] DateTimeOffset BudgetPeriodStart,
    [property: Id(6)] long RequestsInWindow,
    [property: Id(7)] long TokensInWindow,
    [property: Id(8)] int InFlight);
