using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;

namespace OrleansGateway.Operations;

/// <summary>
/// Listens, in this process, to the OpenTelemetry GenAI token histogram (<see cref="InstrumentName"/>, by
/// <c>gen_ai.provider.name</c>) that the provider calls record, and reports the sums every
/// <see cref="ReportPeriod"/> to the <see cref="IProviderUsageGrain"/>, so the operations page shows the cluster's
/// tokens per minute. Nothing is sent while no tokens were used.
/// </summary>
public sealed partial class ProviderTokenReporter(IGrainFactory grains, TimeProvider time, ILogger<ProviderTokenReporter> logger) : BackgroundService
{
    /// <summary>The instrument listened to (the GenAI semantic conventions' client token usage).</summary>
    public const string InstrumentName = "gen_ai.client.token.usage";

    /// <summary>How often the sums go to the usage grain.</summary>
    public static readonly TimeSpan ReportPeriod = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, long> _pending = new(StringComparer.OrdinalIgnoreCase);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == InstrumentName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) => Add(value, tags));
        listener.SetMeasurementEventCallback<int>((_, value, tags, _) => Add(value, tags));
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) => Add((long)value, tags));
        listener.Start();

        using var timer = new PeriodicTimer(ReportPeriod, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }

    /// <summary>Sends what was counted since the last report (nothing when nothing was).</summary>
    public async Task FlushAsync()
    {
        if (_pending.IsEmpty)
        {
            return;
        }

        var report = ImmutableDictionary.CreateBuilder<string, long>(StringComparer.OrdinalIgnoreCase);
        foreach (var provider in _pending.Keys)
        {
            if (_pending.TryRemove(provider, out var tokens) && tokens > 0)
            {
                report[provider] = tokens;
            }
        }

        try
        {
            await grains.GetGrain<IProviderUsageGrain>(IProviderUsageGrain.Key).ReportAsync(report.ToImmutable());
        }
        catch (Exception exception)
        {
            // The page's token rate is a view, not an account: a lost report only lowers it for a minute.
            Log.ReportFailed(logger, exception.GetType().Name);
        }
    }

    private void Add(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key is "gen_ai.provider.name" or "gen_ai.system" && tag.Value is string provider)
            {
                _pending.AddOrUpdate(provider, value, (_, sum) => sum + value);
                return;
            }
        }
    }
}
