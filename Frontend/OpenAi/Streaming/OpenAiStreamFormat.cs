using OrleansGateway.Streaming;

namespace OrleansGateway.Frontend.OpenAi.Streaming;

/// <summary>
/// OpenAI's stream: a role chunk, content chunks, a chunk with <c>finish_reason</c>, a usage chunk
/// when <c>stream_options.include_usage</c> is true, then <c>data: [DONE]</c>. A failure after the
/// first byte is one <c>{"error":{...}}</c> event and nothing after it. Deltas that carry the
/// provider's chunk (<see cref="ChatStreamEvent.RawChunk"/>) are relayed as they came with only
/// <c>model</c> rewritten, role and finish chunks included; the gateway then adds only the usage
/// chunk and <c>[DONE]</c>.
/// </summary>
public sealed class OpenAiStreamFormat(bool includeUsage) : IStreamFormat
{
    private const string ChunkObject = "chat.completion.chunk";
    private bool _relayed;

    public IResult ErrorResult(GatewayError error, HttpContext context) => new ErrorResult(error);

    public async Task WriteAsync(SseWriter writer, ChatStreamEvent streamEvent, bool first, CancellationToken cancellationToken)
    {
        var chunks = GatewayJsonContext.Default.ChatCompletionChunk;
        if (streamEvent.Kind == ChatStreamEventKind.Failed)
        {
            await writer.WriteDataAsync(OpenAiErrors.BodyOf(streamEvent.Error!), GatewayJsonContext.Default.OpenAiErrorResponse, cancellationToken);
            return;
        }

        if (streamEvent.RawChunk is { } raw)
        {
            _relayed = true;
            await writer.WriteDataAsync(ChatCompletionBody.WriteChunk(raw, streamEvent.Model), cancellationToken);
            return;
        }

        if (first)
        {
            await writer.WriteDataAsync(Chunk(streamEvent, new ChunkDelta("assistant", string.Empty), null), chunks, cancellationToken);
        }

        if (streamEvent.Kind == ChatStreamEventKind.Delta)
        {
            await writer.WriteDataAsync(Chunk(streamEvent, new ChunkDelta(null, streamEvent.Text), null), chunks, cancellationToken);
            return;
        }

        if (!_relayed)
        {
            await writer.WriteDataAsync(Chunk(streamEvent, new ChunkDelta(null, null), streamEvent.FinishReason ?? "stop"), chunks, cancellationToken);
        }

        if (includeUsage && streamEvent.Usage is { } usage)
        {
            var usageChunk = new ChatCompletionChunk(streamEvent.Id, ChunkObject, streamEvent.CreatedUnixSeconds, streamEvent.Model, [], OpenAiUsage.From(usage));
            await writer.WriteDataAsync(usageChunk, chunks, cancellationToken);
        }

        await writer.WriteRawDataAsync("[DONE]", cancellationToken);
    }

    private static ChatCompletionChunk Chunk(ChatStreamEvent streamEvent, ChunkDelta delta, string? finishReason) =>
        new(streamEvent.Id, ChunkObject, streamEvent.CreatedUnixSeconds, streamEvent.Model, [new ChunkChoice(0, delta, finishReason)], null);
}
