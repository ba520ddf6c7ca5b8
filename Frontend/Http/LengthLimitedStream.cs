using OrleansGateway.Storage;

namespace OrleansGateway.Frontend.Http;

/// <summary>A read-only view of a stream that fails once more than a limit of bytes has been read.</summary>
internal sealed class LengthLimitedStream(Stream inner, long limit) : CountingReadStream(inner)
{
    protected override void OnRead(ReadOnlySpan<byte> read)
    {
        if (BytesRead > limit)
        {
            throw new LimitExceededException();
        }
    }

    internal sealed class LimitExceededException : IOException;
}
