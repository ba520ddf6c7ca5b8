namespace OrleansGateway.Keys;

/// <summary>
/// The limits of one virtual key; a null limit is no limit. <see cref="BudgetDuration"/> null means the
/// budget never resets.
/// </summary>
public sealed record KeyLimits(
    int? RpmLimit = null,
    long? TpmLimit = null,
    int? MaxParallelRequests = null,
    decimal? MaxBudget = null,
    TimeSpan? BudgetDuration = null);
