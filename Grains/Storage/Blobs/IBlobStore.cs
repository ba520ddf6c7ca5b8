namespace OrleansGateway.Storage;

/// <summary>
/// Where the gateway keeps large bytes outside grain state (which Azure Table storage limits to about
/// 1 MiB per entity): batch task inputs and results, uploaded files. Names are paths such as
/// <c>batch/{job}/results/{group}</c> (see <see cref="BlobNames"/>). Embedded: process memory or a
/// directory; cluster: Azure Blob Storage (Azurite in the tests).
/// </summary>
public interface IBlobStore
{
    /// <summary>
    /// Writes the blob <paramref name="name"/> from <paramref name="content"/>, replacing any blob of that
    /// name; readers see the old or the new bytes, never a part. Streams where the backend allows, so a
    /// large upload is not held whole in memory. Returns the number of bytes written.
    /// </summary>
    Task<long> WriteAsync(string name, Stream content, CancellationToken cancellationToken = default);

    /// <summary>Opens the blob for reading from its start; null when there is none of that name. The caller disposes the stream.</summary>
    Task<Stream?> OpenReadAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Deletes the blob; false when there was none of that name.</summary>
    Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default);
}
