using OrleansGateway.Batch;
using OrleansGateway.Paging;

namespace OrleansGateway.Operations;

/// <summary>
/// Reads what the operations page shows from the grains: each configured provider's <see cref="IProviderGrain"/>
/// status and the cluster's tokens per minute, and the newest batch jobs from the <see cref="IBatchRegistryGrain"/>.
/// A part that does not answer within <see cref="PartTimeout"/> is left out and named in the errors.
/// </summary>
public sealed class OperationsStatusReader(IGrainFactory grains, IOptions<ProvidersOptions> gateway, TimeProvider time)
{
    /// <summary>The longest wait for any one grain.</summary>
    public static readonly TimeSpan PartTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Batch jobs listed, newest first.</summary>
    public const int JobLimit = 20;

    /// <summary>The page's data now; <paramref name="host"/> says which kind of process answered.</summary>
    public async Task<OperationsStatus> ReadAsync(string host, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        var tokens = ReadTokensAsync(cancellationToken);
        var providers = await Task.WhenAll(gateway.Value.Providers.Keys.Order(StringComparer.OrdinalIgnoreCase).Select(name => ReadProviderAsync(name, cancellationToken)));
        var tokensPerMinute = await tokens;
        if (tokensPerMinute is null)
        {
            errors.Add("The usage grain did not answer; tokens per minute are unknown.");
        }

        var jobs = await ReadJobsAsync(errors, cancellationToken);
        errors.AddRange(providers.Where(p => p.Error is not null).Select(p => p.Error!));
        return new OperationsStatus(
            time.GetUtcNow(),
            host,
            // No report in the last minute (nothing used tokens, or no process records the GenAI histogram): unknown, not 0.
            [.. providers.Select(p => p with { TokensPerMinute = tokensPerMinute is { Count: > 0 } t ? t.GetValueOrDefault(p.Name) : null })],
            jobs,
            errors);
    }

    private async Task<OperationsProvider> ReadProviderAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var s = await grains.GetGrain<IProviderGrain>(name).GetStatusAsync().WaitAsync(PartTimeout, time, cancellationToken);
            var calls = s.RecentSuccesses + s.RecentFailures;
            return new OperationsProvider(
                name, s.MaxConcurrency, s.InFlight, s.QueuedInteractive, s.QueuedBatch, s.CircuitState,
                s.RecentSuccesses, s.RecentFailures, calls == 0 ? null : (double)s.RecentFailures / calls, null, null);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new OperationsProvider(name, 0, 0, 0, 0, "unknown", 0, 0, null, null, $"Provider '{name}': its grain did not answer ({exception.GetType().Name}).");
        }
    }

    private async Task<IReadOnlyDictionary<string, long>?> ReadTokensAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await grains.GetGrain<IProviderUsageGrain>(IProviderUsageGrain.Key).GetTokensPerMinuteAsync().WaitAsync(PartTimeout, time, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private async Task<IReadOnlyList<OperationsBatchJob>> ReadJobsAsync(List<string> errors, CancellationToken cancellationToken)
    {
        IdPage page;
        try
        {
            page = await grains.GetGrain<IBatchRegistryGrain>(BatchRegistry.Key).ListAsync(null, JobLimit).WaitAsync(PartTimeout, time, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            errors.Add($"The batch job list did not answer ({exception.GetType().Name}).");
            return [];
        }

        var views = await Task.WhenAll(page.Ids.Select(async id =>
        {
            try
            {
                return await grains.GetGrain<IBatchJobGrain>(id).GetAsync().WaitAsync(PartTimeout, time, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                lock (errors)
                {
                    errors.Add($"Batch job {id} did not answer ({exception.GetType().Name}).");
                }

                return null;
            }
        }));
        var now = time.GetUtcNow();
        return [.. views.OfType<BatchJobView>().Select(v => ToJob(v, now))];
    }

    private static OperationsBatchJob ToJob(BatchJobView view, DateTimeOffset now)
    {
        double? rate = null;
        if (view.StartedAt is { } started)
        {
            var minutes = ((view.CompletedAt ?? now) - started).TotalMinutes;
            rate = minutes > 0 ? (view.CompletedCount + view.FailedCount) / minutes : null;
        }

        return new OperationsBatchJob(
            view.JobId, view.Status.ToString().ToLowerInvariant(), view.Model, view.SubmittedAt, view.StartedAt, view.CompletedAt,
            view.TaskCount, view.CompletedCount, view.FailedCount, view.Usage.TotalTokens, rate, view.Error);
    }
}
