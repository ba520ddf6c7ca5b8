using OrleansGateway.Paging;

namespace OrleansGateway.Batch;

/// <summary>The list of batch jobs (a single grain, key <see cref="BatchRegistry.Key"/>), for <c>GET /v1/batch</c>.</summary>
[Alias("gw.IBatchRegistryGrain")]
public interface IBatchRegistryGrain : IGrainWithStringKey
{
    /// <summary>Adds a job; adding it again changes nothing.</summary>
    [Alias("Add")]
    Task AddAsync(string jobId, DateTimeOffset submittedAt);

    /// <summary>Up to <paramref name="limit"/> job ids, newest first, after the job <paramref name="after"/> (from the newest when null).</summary>
    [Alias("List")]
    Task<IdPage> ListAsync(string? after, int limit);
}
