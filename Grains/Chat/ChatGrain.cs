using Orleans.Concurrency;

namespace OrleansGateway.Chat;

/// <summary>
/// A stateless, reentrant worker on every silo that runs chat requests where it is activated,
/// so provider traffic spreads over the silos while the provider grains hold the limits.
/// </summary>
[StatelessWorker, Reentrant]
public sealed class ChatGrain(ChatExecutor executor) : Grain, IChatGrain
{
    public Task<ChatOutcome> CompleteAsync(ChatRequest request, CancellationToken cancellationToken = default) =>
        executor.CompleteAsync(request, cancellationToken);
}
