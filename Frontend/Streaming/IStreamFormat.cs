using OrleansGateway.Streaming;

namespace OrleansGateway.Frontend.Streaming;

/// <summary>How one API surface writes a stream: its error response before the first byte, and its events after.</summary>
public interface IStreamFormat
{
    /// <summary>The surface's normal error response, for a stream that failed before its first byte.</summary>
    IResult ErrorResult(GatewayError error, HttpContext context);

    /// <summary>Writes one event; <paramref name="first"/> is true for the stream's first.</summary>
    Task WriteAsync(SseWriter writer, ChatStreamEvent streamEvent, bool first, CancellationToken cancellationToken);
}
