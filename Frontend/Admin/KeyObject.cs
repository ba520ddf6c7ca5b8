using System.Text.Json.Serialization;

namespace OrleansGateway.Frontend.Admin;

/// <summary>
/// A virtual key as the admin API shows it: settings, state and the spend of the current budget period.
/// <see cref="Key"/>, the secret, only in the answer of its creation.
/// </summary>
public sealed record KeyObject(
    string Id,
    string Object,
    string Name,
    IReadOnlyList<string> Models,
    int? RpmLimit,
    long? TpmLimit,
    int? MaxParallelRequests,
    decimal? MaxBudget,
    string? BudgetDuration,
    long? ExpiresAt,
    JsonElement? Metadata,
    long CreatedAt,
    bool Revoked,
    decimal Spend,
    long BudgetPeriodStart,
    long RequestsInWindow,
    long TokensInWindow,
    int InFlight)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Key { get; init; }
}
