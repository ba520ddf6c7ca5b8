namespace OrleansGateway.Providers;

/// <summary>
/// Reads the data of one server-sent event of an OpenAI chat completion stream
/// (<c>chat.completion.chunk</c>, <c>[DONE]</c>, or an <c>error</c> object) in one forward pass over
/// its bytes, for <see cref="System.Net.ServerSentEvents.SseParser"/>. Data that is not such JSON
/// throws <see cref="FormatException"/>.
/// </summary>
public static class ChatCompletionChunkReader
{
    /// <summary>Reads one event's data; with <paramref name="keepRaw"/> the event's JSON is kept in <see cref="ProviderChunk.Raw"/>.</summary>
    public static ProviderChunk Read(ReadOnlySpan<byte> data, bool keepRaw = false)
    {
        if (data.Trim(" \r\n\t"u8).SequenceEqual("[DONE]"u8))
        {
            return ProviderChunk.DoneMarker;
        }

        var chunk = ChatCompletionJson.Parse(data, "a stream event");
        return new ProviderChunk(
            chunk.Id,
            chunk.Text,
            chunk.FinishReason is { } reason ? ChatCompletionResponseReader.WireFinishReason(reason) : null,
            chunk.Usage,
            chunk.Error,
            Done: false)
        {
            Choices = chunk.Choices,
            HasOtherDelta = chunk.HasOtherDelta,
            Raw = keepRaw ? System.Text.Encoding.UTF8.GetString(data) : null,
        };
    }
}
