using OrleansGateway.Paging;

namespace OrleansGateway.Files;

/// <summary>The list of files (a single grain, key <see cref="FileRegistry.Key"/>), for <c>GET /v1/files</c>.</summary>
[Alias("gw.IFileRegistryGrain")]
public interface IFileRegistryGrain : IGrainWithStringKey
{
    /// <summary>Adds a file; adding it again changes nothing.</summary>
    [Alias("Add")]
    Task AddAsync(string fileId, string purpose);

    /// <summary>Removes a file from the list.</summary>
    [Alias("Remove")]
    Task RemoveAsync(string fileId);

    /// <summary>Up to <paramref name="limit"/> file ids of <paramref name="purpose"/> (any when null), newest first unless <paramref name="ascending"/>, after the file <paramref name="after"/>.</summary>
    [Alias("List")]
    Task<IdPage> ListAsync(string? purpose, string? after, int limit, bool ascending);

    /// <summary>Adds a file owned by virtual key <paramref name="keyId"/> (null: an admin key); adding it again changes nothing.</summary>
    [Alias("AddOwned")]
    Task AddAsync(string fileId, string purpose, string? keyId);

    /// <summary>As <see cref="ListAsync(string?, string?, int, bool)"/>, only the files of virtual key <paramref name="keyId"/> (every file when null).</summary>
    [Alias("ListOwned")]
    Task<IdPage> ListAsync(string? purpose, string? after, int limit, bool ascending, string? keyId);
}
