using System.Globalization;
using OrleansGateway.Streaming;

namespace OrleansGateway.Frontend.Llm.Streaming;

/// <summary>
/// The documented <c>/llm/generation/stream</c> events: one per piece of text, then a final one with
/// the whole text and the usage. A failure after the first byte is one event with the documented
/// error body and nothing after it.
/// </summary>
public sealed class LlmStreamFormat : IStreamFormat
{
    private int _sequence;

    public IResult ErrorResult(GatewayError error, HttpContext context) => new ErrorResult(error);

    public Task WriteAsync(SseWriter writer, ChatStreamEvent streamEvent, bool first, CancellationToken cancellationToken) => streamEvent.Kind switch
    {
        ChatStreamEventKind.Delta => writer.WriteDataAsync(
            new LlmStreamEvent($"{streamEvent.Id}-{(++_sequence).ToString(CultureInfo.InvariantCulture)}", streamEvent.Text, false, null),
            GatewayJsonContext.Default.LlmStreamEvent, cancellationToken),
        ChatStreamEventKind.Completed => writer.WriteDataAsync(
            new LlmStreamEvent($"{streamEvent.Id}-final", streamEvent.Text, true, LlmUsage.From(streamEvent.Usage!)),
            GatewayJsonContext.Default.LlmStreamEvent, cancellationToken),
        _ => writer.WriteDataAsync(LlmErrorResponse.For(streamEvent.Error!.Message), GatewayJsonContext.Default.LlmErrorResponse, cancellationToken),
    };
}
