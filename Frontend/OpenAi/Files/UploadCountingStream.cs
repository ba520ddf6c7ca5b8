using OrleansGateway.Storage;

namespace OrleansGateway.Frontend.OpenAi.Files;

/// <summary>
/// A read-only view of an upload that counts bytes and lines as they pass to storage, and fails once more
/// than <c>maxBytes</c> have been read, so nothing past the limit is stored and the file is never held whole.
/// </summary>
internal sealed class UploadCountingStream(Stream inner, long maxBytes) : CountingReadStream(inner)
{
    private bool _lastWasNewline = true;

    /// <summary>Lines read so far that hold something (a last line without a newline counts; blank lines do not).</summary>
    public long Lines { get; private set; }

    protected override void OnRead(ReadOnlySpan<byte> read)
    {
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
    }

    /// <summary>The upload passed <c>maxBytes</c>.</summary>
    internal sealed class UploadTooLargeException : IOException;
}
