using System.Buffers;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using OrleansGateway.Batch;
using OrleansGateway.Errors;

namespace OrleansGateway.Frontend.OpenAi.Batch;

/// <summary>
/// The one limit a valid batch submission can still hit after its body is read: the whole job goes to
/// its <see cref="IBatchJobGrain"/> in one Orleans call, and Orleans refuses a message body larger than
/// <see cref="MessagingOptions.MaxMessageBodySize"/> (100 MiB by default) every time. Measured with the
/// serializer Orleans uses, before anything is recorded, so such a job is a 413 naming the limit instead
/// of a 500 after a failed submission. Applied in every mode, so a job accepted embedded is accepted in a cluster.
/// </summary>
public sealed class BatchSubmitSizeLimit(
    Serializer serializer,
    IOptions<ClientMessagingOptions> clientMessaging,
    IOptions<SiloMessagingOptions> siloMessaging)
{
    /// <summary>Room left in a message for the call's envelope (grain id, method, headers).</summary>
    public const int EnvelopeBytes = 64 * 1024;

    /// <summary>The largest serialized <see cref="BatchJobSpec"/> a submission may have.</summary>
    public long MaxSpecBytes { get; } =
        (long)Math.Min(clientMessaging.Value.MaxMessageBodySize, siloMessaging.Value.MaxMessageBodySize) - EnvelopeBytes;

    /// <summary>The error for a job too large to submit in one call, or null when it fits.</summary>
    public GatewayError? Check(BatchJobSpec spec)
    {
        var counter = new CountingBufferWriter();
        serializer.Serialize(spec, counter);
        return counter.Written <= MaxSpecBytes
            ? null
            : new GatewayError(GatewayErrorKind.PayloadTooLarge,
                $"The batch job is {counter.Written} bytes as the gateway's cluster sends it, larger than the limit of {MaxSpecBytes} bytes " +
                $"(Orleans' Messaging MaxMessageBodySize less {EnvelopeBytes} bytes for the call); submit its tasks as several smaller jobs.")
            { Param = "tasks" };
    }

    /// <summary>Counts what is written, reusing one buffer: the size without holding the whole message.</summary>
    private sealed class CountingBufferWriter : IBufferWriter<byte>
    {
        private byte[] _buffer = new byte[64 * 1024];

        public long Written { get; private set; }

        public void Advance(int count) => Written += count;

        public Memory<byte> GetMemory(int sizeHint = 0) => Buffer(sizeHint);

        public Span<byte> GetSpan(int sizeHint = 0) => Buffer(sizeHint);

        private byte[] Buffer(int sizeHint)
        {
            if (sizeHint > _buffer.Length)
            {
                _buffer = new byte[sizeHint];
            }

            return _buffer;
        }
    }
}
