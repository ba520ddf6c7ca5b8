namespace OrleansGateway.Keys;

/// <summary>
/// One request admitted under a <see cref="KeyAllowance"/>: the allowance it used (<see cref="GrantId"/>),
/// the tokens and largest cost it reserved, and the budget period its cost belongs to.
/// </summary>
public sealed record KeyTicket(long GrantId, long Tokens, decimal Cost, long BudgetPeriod);
