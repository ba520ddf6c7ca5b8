namespace OrleansGateway.Tests.Batch;

/// <summary>
/// A memory blob store whose writes fail on purpose while <see cref="FailWrites"/> is set (or for the names
/// <see cref="FailWhen"/> picks), counting the attempts and listing the names it holds.
/// </summary>
public sealed class FailingBlobStore : IBlobStore
{
    private readonly InMemoryBlobStore _inner = new();
    private readonly ConcurrentDictionary<string, byte> _names = new(StringComparer.Ordinal);
    private int _failedWrites;

    /// <summary>Whether writes throw.</summary>
    public bool FailWrites { get; set; }

    /// <summary>When set, writes of the names it picks throw.</summary>
    public Func<string, bool>? FailWhen { get; set; }

    /// <summary>The names of the blobs held now.</summary>
    public IReadOnlyList<string> Names => [.. _names.Keys.Order(StringComparer.Ordinal)];

    /// <summary>How many writes failed on purpose.</summary>
    public int FailedWrites => _failedWrites;

    public async Task<long> WriteAsync(string name, Stream content, CancellationToken cancellationToken = default)
    {
        if (FailWrites || FailWhen?.Invoke(name) == true)
        {
            Interlocked.Increment(ref _failedWrites);
            throw new IOException("The blob store refuses writes (on purpose, in the test).");
        }

        var written = await _inner.WriteAsync(name, content, cancellationToken);
        _names[name] = 0;
        return written;
    }

    public Task<Stream?> OpenReadAsync(string name, CancellationToken cancellationToken = default) => _inner.OpenReadAsync(name, cancellationToken);

    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        _names.TryRemove(name, out _);
        return _inner.DeleteAsync(name, cancellationToken);
    }
}
