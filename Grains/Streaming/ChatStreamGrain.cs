using System.Runtime.CompilerServices;
using Orleans.Concurrency;
using OrleansGateway.Chat;

namespace OrleansGateway.Streaming;

/// <summary>
/// One of a pool of activations that carry streams (keyed by pool slot, not per stream: activating a
/// grain for each stream cost about 0.1 ms before its first token). Reentrant, so the activation runs
/// many streams at once and a consumer's cancellation reaches a stream that is waiting for the
/// provider; each enumeration's later calls reach this activation because they use the same key.
/// While its silo stops (<see cref="SiloStreamDrain"/>) it starts no new stream: the call fails as lost
/// with its silo, before any event, and the frontend starts the stream on another grain of the pool.
/// </summary>
[Reentrant]
public sealed class ChatStreamGrain(ChatStreamExecutor executor, SiloStreamDrain drain) : Grain, IChatStreamGrain
{
    public async IAsyncEnumerable<ChatStreamEvent> StreamAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (drain.IsStopping)
        {
            // Fails at the first MoveNext, before any event, as a call lost with its silo would.
            throw new SiloUnavailableException("This silo is stopping and starts no new stream; start it on another grain.");
        }

        drain.StreamStarted();
        try
        {
            await foreach (var item in executor.StreamAsync(request, cancellationToken))
            {
                yield return item;
            }
        }
        finally
        {
            drain.StreamEnded();
        }
    }
}
