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

    /// <summary>Adds a job created by virtual key <paramref name="keyId"/> (null: an admin key); adding it again changes nothing.</summary>
    [Alias("AddOwned")]
    Task AddAsync(string jobId, DateTimeOffset submittedAt, string? keyId);

    /// <summary>As <see cref="ListAsync(string?, int)"/>, only the jobs of virtual key <paramref name="keyId"/> (every job when null).</summary>
    [Alias("ListOwned")]
    Task<IdPage> ListAsync(string? after, int limit, string? keyId);
}
