namespace OrleansGateway.Storage;

/// <summary>Whole-blob helpers over <see cref="IBlobStore"/> for blobs small enough to hold in memory.</summary>
public static class BlobStoreExtensions
{
    /// <summary>Writes <paramref name="bytes"/> as the blob <paramref name="name"/>, replacing any blob of that name.</summary>
    public static async Task WriteBytesAsync(this IBlobStore store, string name, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        using var content = new ReadOnlyMemoryStream(bytes);
        await store.WriteAsync(name, content, cancellationToken);
    }

    /// <summary>The blob's bytes; null when there is none of that name.</summary>
    public static async Task<byte[]?> ReadBytesAsync(this IBlobStore store, string name, CancellationToken cancellationToken = default)
    {
        await using var stream = await store.OpenReadAsync(name, cancellationToken);
        if (stream is null)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }
}
