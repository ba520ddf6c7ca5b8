namespace OrleansGateway.Storage;

/// <summary>
/// A read-only, forward-only view of an inner stream that counts the bytes read (the inner stream is not disposed).
/// A subclass sees each read's bytes after they are counted (<see cref="OnRead"/>), to check or count more.
/// </summary>
public class CountingReadStream(Stream inner) : Stream
{
    /// <summary>Bytes read so far.</summary>
    public long BytesRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Count(buffer.AsSpan(offset, inner.Read(buffer, offset, count)));

    public override int Read(Span<byte> buffer) => Count(buffer[..inner.Read(buffer)]);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        return Count(buffer.Span[..read]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>Called with the bytes of each read, once <see cref="BytesRead"/> counts them.</summary>
    protected virtual void OnRead(ReadOnlySpan<byte> read)
    {
    }

    private int Count(ReadOnlySpan<byte> read)
    {
        BytesRead += read.Length;
        OnRead(read);
        return read.Length;
    }
}
