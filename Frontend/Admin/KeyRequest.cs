namespace OrleansGateway.Frontend.Admin;

/// <summary>
/// The body of <c>POST /admin/keys</c> and <c>PATCH /admin/keys/{id}</c>. On PATCH a field left out (or
/// null) keeps its value; <c>0</c> for a limit removes it. <c>expires_at</c> is Unix seconds;
/// <c>budget_duration</c> is a number and a unit (<c>s</c>, <c>m</c>, <c>h</c>, <c>d</c>): <c>1h</c>, <c>1d</c>, <c>30d</c>.
/// </summary>
public sealed record KeyRequest(
    string? Name,
    List<string>? Models,
    int? RpmLimit,
    long? TpmLimit,
    int? MaxParallelRequests,
    decimal? MaxBudget,
    string? BudgetDuration,
    long? ExpiresAt,
    JsonElement? Metadata);
