namespace OrleansGateway.Keys;

/// <summary>
/// What one frontend holds of a key, as its grain counts it: parallel slots and budget (USD, of budget
/// period <see cref="BudgetPeriod"/>) granted and not yet returned, its requests in flight as it last said,
/// when it was last heard from, and its last exchange with the answer given (so a retry is not applied twice).
/// </summary>
[GenerateSerializer, Alias("gw.KeyHolder")]
public sealed class KeyHolder
{
    [Id(0)] public int Parallel { get; set; }

    [Id(1)] public decimal Budget { get; set; }

    [Id(2)] public long BudgetPeriod { get; set; }

    [Id(3)] public int InFlight { get; set; }

    [Id(4)] public DateTimeOffset LastSeen { get; set; }

    [Id(5)] public long LastSequence { get; set; }

    [Id(6)] public KeyGrant? LastAnswer { get; set; }
}
