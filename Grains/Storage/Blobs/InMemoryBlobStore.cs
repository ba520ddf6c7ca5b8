using System.Collections.Concurrent;

namespace OrleansGateway.Storage;

/// <summary>Blobs in this process's memory: embedded mode's default, like its in-memory grain state (gone when the process ends).</summary>
public sealed class InMemoryBlobStore : IBlobStore
{
    private readonly ConcurrentDictionary<string, byte[]> _blobs = new(StringComparer.Ordinal);

    public async Task<long> WriteAsync(string name, Stream content, CancellationToken cancellationToken = default)
    {
        BlobNames.Check(name);
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        var bytes = buffer.ToArray();
        _blobs[name] = bytes;
        return bytes.Length;
    }

    public Task<Stream?> OpenReadAsync(string name, CancellationToken cancellationToken = default) =>
        Task.FromResult<Stream?>(_blobs.TryGetValue(BlobNames.Check(name), out var bytes) ? new ReadOnlyMemoryStream(bytes) : null);

    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(_blobs.TryRemove(BlobNames.Check(name), out _));
}
