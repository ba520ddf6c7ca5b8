using OrleansGateway.Chat;

namespace OrleansGateway.Streaming;

/// <summary>
/// Runs streamed completions, many at once per activation (frontends spread their streams over a
/// pool of keys, round robin): for each, takes a slot from the provider's <c>IProviderGrain</c>,
/// retries and falls back until the first token, then yields the provider's text as it arrives.
/// Disposing an enumeration cancels its provider request.
/// </summary>
[Alias("gw.IChatStreamGrain")]
public interface IChatStreamGrain : IGrainWithIntegerKey
{
    /// <summary>Streams a completion: deltas, then one completed or failed event.</summary>
    [Alias("Stream")]
    IAsyncEnumerable<ChatStreamEvent> StreamAsync(ChatRequest request, CancellationToken cancellationToken = default);
}
