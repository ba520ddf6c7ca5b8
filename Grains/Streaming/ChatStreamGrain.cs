using Orleans.Concurrency;
using OrleansGateway.Chat;

namespace OrleansGateway.Streaming;

/// <summary>
/// One of a pool of activations that carry streams (keyed by pool slot, not per stream: activating a
/// grain for each stream cost about 0.1 ms before its first token). Reentrant, so the activation runs
/// many streams at once and a consumer's cancellation reaches a stream that is waiting for the
/// provider; each enumeration's later calls reach this activation because they use the same key.
/// </summary>
[Reentrant]
public sealed class ChatStreamGrain(ChatStreamExecutor executor) : Grain, IChatStreamGrain
{
    public IAsyncEnumerable<ChatStreamEvent> StreamAsync(ChatRequest request, CancellationToken cancellationToken = default) =>
        executor.StreamAsync(request, cancellationToken);
}
