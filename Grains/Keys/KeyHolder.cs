namespace OrleansGateway.Keys;

/// <summary>
/// What one frontend holds of a key, as its grain counts it: parallel slots and budget (USD, of budget
/// period <see cref="BudgetPeriod"/>) granted and not yet returned, its requests in flight as it last said,
/// when it was last heard from, and its last exchange with the answer given (so a retry is not applied twice).
/// </summary>
public sealed class KeyHolder
{
    public int Parallel { get; set; }

    public decimal Budget { get; set; }

    public long BudgetPeriod { get; set; }

    public int InFlight { get; set; }

    public DateTimeOffset LastSeen { get; set; }

    public long LastSequence { get; set; }

    public KeyGrant? LastAnswer { get; set; }
}
