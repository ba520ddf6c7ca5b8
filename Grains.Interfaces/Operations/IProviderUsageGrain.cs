using Orleans.Concurrency;

namespace OrleansGateway.Operations;

/// <summary>
/// The cluster's tokens per provider over the last minute (one grain, key <see cref="Key"/>), summed from what every
/// process that calls providers reports every few seconds, for the operations page. Memory only: after a move it
/// counts again from zero.
/// </summary>
[Alias("gw.IProviderUsageGrain")]
public interface IProviderUsageGrain : IGrainWithStringKey
{
    /// <summary>The key of the one usage grain.</summary>
    const string Key = "usage";

    /// <summary>Adds tokens a process's provider calls used since its last report, by provider name.</summary>
    [Alias("Report"), OneWay]
    Task ReportAsync(ImmutableDictionary<string, long> tokensByProvider);

    /// <summary>Tokens reported in the last minute, by provider name.</summary>
    [Alias("GetTokensPerMinute")]
    Task<ImmutableDictionary<string, long>> GetTokensPerMinuteAsync();
}
