using System.Runtime.CompilerServices;
using Orleans.Concurrency;
using OrleansGateway.Chat;

namespace OrleansGateway.Streaming;

/// <summary>
/// One activation per streamed completion (a plain grain, not a stateless worker, because the
/// enumeration's later calls must reach the activation that holds it). Reentrant so that the
/// consumer's cancellation reaches a stream that is waiting for the provider.
/// </summary>
[Reentrant]
public sealed class ChatStreamGrain(ChatStreamExecutor executor) : Grain, IChatStreamGrain
{
    public async IAsyncEnumerable<ChatStreamEvent> StreamAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        try
        {
            await foreach (var item in executor.StreamAsync(request, cancellationToken))
            {
                yield return item;
            }
        }
        finally
        {
            DeactivateOnIdle();
        }
    }
}
