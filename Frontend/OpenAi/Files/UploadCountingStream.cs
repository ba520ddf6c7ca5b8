namespace OrleansGateway.Frontend.OpenAi.Files;

/// <summary>
/// A read-only view of an upload that counts bytes and lines as they pass to storage, and fails once more
/// than <c>maxBytes</c> have been read, so nothing past the limit is stored and the file is never held whole.
/// </summary>
internal sealed class UploadCountingStream(Stream inner, long maxBytes) : Stream
{
    private bool _lastWasNewline = true;

    /// <summary>Bytes read so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>Lines read so far that hold something (a last line without a newline counts; blank lines do not).</summary>
    public long Lines { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Count(buffer.AsSpan(offset, inner.Read(buffer, offset, count)));

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

    private int Count(ReadOnlySpan<byte> read)
    {
        BytesRead += read.Length;
        if (BytesRead > maxBytes)
        {
            throw new UploadTooLargeException();
        }

        foreach (var b in read)
        {
            if (b == (byte)'\n')
            {
                _lastWasNewline = true;
            }
            else if (_lastWasNewline && b is not (byte)'\r' and not (byte)' ' and not (byte)'\t')
            {
                _lastWasNewline = false;
                Lines++;
            }
        }

        return read.Length;
    }

    /// <summary>The upload passed <c>maxBytes</c>.</summary>
    internal sealed class UploadTooLargeException : IOException;
}
