using OrleansGateway.Storage;

namespace OrleansGateway.Tests.Batch;

/// <summary>A memory blob store whose writes fail on purpose while <see cref="FailWrites"/> is set, counting the attempts.</summary>
public sealed class FailingBlobStore : IBlobStore
{
    private readonly InMemoryBlobStore _inner = new();
    private int _failedWrites;

    /// <summary>Whether writes throw.</summary>
    public bool FailWrites { get; set; }

    /// <summary>How many writes failed on purpose.</summary>
    public int FailedWrites => _failedWrites;

    public Task<long> WriteAsync(string name, Stream content, CancellationToken cancellationToken = default)
    {
        if (FailWrites)
        {
            Interlocked.Increment(ref _failedWrites);
            throw new IOException("The blob store refuses writes (on purpose, in the test).");
        }

        return _inner.WriteAsync(name, content, cancellationToken);
    }

    public Task<Stream?> OpenReadAsync(string name, CancellationToken cancellationToken = default) => _inner.OpenReadAsync(name, cancellationToken);

    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default) => _inner.DeleteAsync(name, cancellationToken);
}
