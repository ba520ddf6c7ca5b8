using System.Collections.Immutable;

namespace OrleansGateway.Operations;

/// <summary>Keeps the reports of the last minute; <see cref="GetTokensPerMinuteAsync"/> sums them by provider.</summary>
public sealed class ProviderUsageGrain(TimeProvider time) : Grain, IProviderUsageGrain
{
    private static readonly TimeSpan s_window = TimeSpan.FromMinutes(1);

    private readonly Queue<(DateTimeOffset At, ImmutableDictionary<string, long> Tokens)> _reports = new();

    public Task ReportAsync(ImmutableDictionary<string, long> tokensByProvider)
    {
        Trim();
        _reports.Enqueue((time.GetUtcNow(), tokensByProvider));
        return Task.CompletedTask;
    }

    public Task<ImmutableDictionary<string, long>> GetTokensPerMinuteAsync()
    {
        Trim();
        var sums = ImmutableDictionary.CreateBuilder<string, long>(StringComparer.OrdinalIgnoreCase);
        foreach (var (_, tokens) in _reports)
        {
            foreach (var (provider, count) in tokens)
            {
                sums[provider] = sums.GetValueOrDefault(provider) + count;
            }
        }

        return Task.FromResult(sums.ToImmutable());
    }

    private void Trim()
    {
        var oldest = time.GetUtcNow() - s_window;
        while (_reports.TryPeek(out var report) && report.At < oldest)
        {
            _reports.Dequeue();
        }
    }
}
