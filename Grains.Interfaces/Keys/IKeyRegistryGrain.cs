using OrleansGateway.Paging;

namespace OrleansGateway.Keys;

/// <summary>Every virtual key in creation order, and the index from a secret's SHA-256 (hex) to its key id.</summary>
[Alias("gw.IKeyRegistryGrain")]
public interface IKeyRegistryGrain : IGrainWithStringKey
{
    /// <summary>Records a key and its secret hash; recording it again changes nothing.</summary>
    [Alias("Add")]
    Task AddAsync(string keyId, string secretHashHex);

    /// <summary>The id of the key whose secret has this hash, or null.</summary>
    [Alias("Find")]
    Task<string?> FindAsync(string secretHashHex);

    /// <summary>Up to <paramref name="limit"/> key ids after <paramref name="after"/> (oldest first).</summary>
    [Alias("List")]
    Task<IdPage> ListAsync(string? after, int limit);
}
