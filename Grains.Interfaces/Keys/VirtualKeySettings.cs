using System.Collections.Immutable;

namespace OrleansGateway.Keys;

/// <summary>
/// What an admin sets on a virtual key: its name, the models it may use (<c>provider/model</c> names or
/// patterns such as <c>groq/*</c>; empty = all), its limits (null = none), its budget in USD with the
/// period it resets after (null = never), when it expires (null = never) and free-form metadata (JSON).
/// </summary>
[GenerateSerializer, Immutable, Alias("gw.VirtualKeySettings")]
public sealed record VirtualKeySettings(
    [property: Id(0)] string Name,
    [property: Id(1)] ImmutableArray<string> Models,
    [property: Id(2)] int? RpmLimit,
    [property: Id(3)] long? TpmLimit,
    [property: Id(4)] int? MaxParallelRequests,
    [property: Id(5)] decimal? MaxBudget,
    [property: Id(6)] TimeSpan? BudgetDuration,
    [property: Id(7)] DateTimeOffset? ExpiresAt,
    [property: Id(8)] string? MetadataJson);
