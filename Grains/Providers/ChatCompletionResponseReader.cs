using System.Buffers;

namespace OrleansGateway.Providers;

/// <summary>
/// Reads an OpenAI <c>chat.completion</c> body (as returned by the <c>OpenAI</c> package's protocol
/// method) in one forward pass: the first choice's text (a string, or the text parts of an array), its
/// finish reason, the id, the creation time and the usage. A body that is not such an object, or has
/// no choice, throws <see cref="FormatException"/>.
/// </summary>
public static class ChatCompletionResponseReader
{
    private const int FirstBufferBytes = 4096;

    /// <summary>
    /// Reads one completion body from <paramref name="content"/> to its end, in a buffer rented for the
    /// call; with <paramref name="keepBody"/> a copy of the whole body is kept in <see cref="ProviderCompletion.Body"/>.
    /// </summary>
    public static async ValueTask<ProviderCompletion> ReadAsync(Stream? content, CancellationToken cancellationToken, bool keepBody = false)
    {
        if (content is null)
        {
            throw new FormatException("the response has no body");
        }

        var buffer = ArrayPool<byte>.Shared.Rent(FirstBufferBytes);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await content.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            // Everything read is copied out (strings, numbers) before the buffer goes back.
            var completion = Read(buffer.AsMemory(0, length));
            return keepBody ? completion with { Body = buffer.AsSpan(0, length).ToArray() } : completion;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads one completion body.</summary>
    public static ProviderCompletion Read(ReadOnlyMemory<byte> body)
    {
        var completion = ChatCompletionJson.Parse(body.Span, "the body");
        if (completion.Choices == 0)
        {
            throw new FormatException("the body has no choices");
        }

        return new ProviderCompletion(
            completion.Id,
            completion.Text ?? string.Empty,
            WireFinishReason(completion.FinishReason),
            completion.Usage,
            completion.CreatedUnixSeconds);
    }

    /// <summary>The finish reasons the gateway passes on as they are; any other (or none) is <c>stop</c>.</summary>
    public static string WireFinishReason(string? reason) => reason switch
    {
        "length" or "content_filter" or "tool_calls" or "function_call" => reason,
        _ => "stop",
    };
}
