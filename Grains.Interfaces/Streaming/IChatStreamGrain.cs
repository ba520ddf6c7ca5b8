using OrleansGateway.Chat;

namespace OrleansGateway.Streaming;

/// <summary>
/// Runs one streamed completion (one activation per stream, keyed by a fresh id): takes a slot from
/// the provider's <c>IProviderGrain</c>, retries and falls back until the first token, then yields
/// the provider's text as it arrives. Disposing the enumeration cancels the provider request.
/// </summary>
[Alias("gw.IChatStreamGrain")]
public interface IChatStreamGrain : IGrainWithGuidKey
{
    /// <summary>Streams a completion: deltas, then one completed or failed event.</summary>
    [Alias("Stream")]
    IAsyncEnumerable<ChatStreamEvent> StreamAsync(ChatRequest request, CancellationToken cancellationToken = default);
}
