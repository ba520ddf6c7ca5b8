namespace OrleansGateway.Storage;

/// <summary>
/// One blob kept in grain storage (keyed by its name): the blob store of a cluster that has no blob
/// storage configured, so every silo and frontend sees the same bytes.
/// </summary>
[Alias("gw.IBlobGrain")]
public interface IBlobGrain : IGrainWithStringKey
{
    /// <summary>Replaces the blob's bytes.</summary>
    [Alias("Write")]
    Task WriteAsync(byte[] bytes);

    /// <summary>The blob's bytes; null when there is none.</summary>
    [Alias("Read")]
    Task<byte[]?> ReadAsync();

    /// <summary>Deletes the blob; false when there was none.</summary>
    [Alias("Delete")]
    Task<bool> DeleteAsync();
}
