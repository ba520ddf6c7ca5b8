namespace OrleansGateway.Storage;

/// <summary>
/// Blobs as <see cref="IBlobGrain"/>s: the store of a cluster without blob storage configured (its grain
/// storage is then in memory too), so that a blob written on one silo is read on another. Each blob is
/// held whole in its grain's memory and crosses the wire in one message: meant for development clusters;
/// configure Azure Blob Storage (<c>ConnectionStrings:blobs</c>) for production.
/// </summary>
public sealed class GrainBlobStore(IGrainFactory grains) : IBlobStore
{
    /// <summary>The grain storage the blob grains use (memory unless configured).</summary>
    public const string StorageName = "gateway-blobs";

    public async Task<long> WriteAsync(string name, Stream content, CancellationToken cancellationToken = default)
    {
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        var bytes = buffer.ToArray();
        await Grain(name).WriteAsync(bytes).WaitAsync(cancellationToken);
        return bytes.Length;
    }

    public async Task<Stream?> OpenReadAsync(string name, CancellationToken cancellationToken = default) =>
        await Grain(name).ReadAsync().WaitAsync(cancellationToken) is { } bytes ? new ReadOnlyMemoryStream(bytes) : null;

    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default) =>
        Grain(name).DeleteAsync().WaitAsync(cancellationToken);

    private IBlobGrain Grain(string name) => grains.GetGrain<IBlobGrain>(BlobNames.Check(name));
}
