using System.Collections.Immutable;
using OrleansGateway.Paging;
using OrleansGateway.Storage;

namespace OrleansGateway.Batch;

/// <summary>
/// The list of batch jobs in submission order, served newest first in pages. It keeps the newest
/// <see cref="BatchOptions.MaxListedJobs"/>: the list is one stored record, which must stay small enough
/// for the storage (one Azure Table entity holds 1 MiB); a job that leaves the list keeps its own grain.
/// </summary>
public sealed class BatchRegistryGrain(
    [PersistentState("batch-registry", GatewayStorage.Name)] IPersistentState<BatchRegistryState> state,
    IOptions<BatchOptions> options) : Grain, IBatchRegistryGrain
{
    private readonly Dictionary<string, int> _positions = new(StringComparer.Ordinal);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        state.State.Jobs ??= [];
        Reindex();
        return Task.CompletedTask;
    }

    public Task AddAsync(string jobId, DateTimeOffset submittedAt) => AddAsync(jobId, submittedAt, null);

    public async Task AddAsync(string jobId, DateTimeOffset submittedAt, string? keyId)
    {
        if (_positions.ContainsKey(jobId))
        {
            return;
        }

        var jobs = state.State.Jobs;
        var entry = new BatchRegistryEntry { JobId = jobId, SubmittedAt = submittedAt, KeyId = keyId };
        if (jobs.Count == 0 || jobs[^1].SubmittedAt <= submittedAt)
        {
            jobs.Add(entry);
            _positions[jobId] = jobs.Count - 1;
        }
        else
        {
            // A late registration (a job re-listed after a crash): keep submission order.
            var at = jobs.FindIndex(j => j.SubmittedAt > submittedAt);
            jobs.Insert(at, entry);
            Reindex();
        }

        var excess = jobs.Count - options.Value.MaxListedJobs;
        if (excess > 0)
        {
            jobs.RemoveRange(0, excess);
            Reindex();
        }

        await state.WriteStateAsync();
    }

    public Task<IdPage> ListAsync(string? after, int limit) => ListAsync(after, limit, null);

    public Task<IdPage> ListAsync(string? after, int limit, string? keyId)
    {
        var jobs = state.State.Jobs;
        var start = jobs.Count - 1;
        if (after is not null)
        {
            start = _positions.TryGetValue(after, out var position) ? position - 1 : -1;
        }

        var ids = ImmutableArray.CreateBuilder<string>();
        var index = start;
        for (; index >= 0; index--)
        {
            if (keyId is not null && jobs[index].KeyId != keyId)
            {
                continue;
            }

            if (ids.Count == limit)
            {
                break;
            }

            ids.Add(jobs[index].JobId);
        }

        return Task.FromResult(new IdPage(ids.ToImmutable(), index >= 0));
    }

    private void Reindex()
    {
        _positions.Clear();
        for (var i = 0; i < state.State.Jobs.Count; i++)
        {
            _positions[state.State.Jobs[i].JobId] = i;
        }
    }
}
