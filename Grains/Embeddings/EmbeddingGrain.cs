using Orleans.Concurrency;

namespace OrleansGateway.Embeddings;

/// <summary>A stateless, reentrant worker on every silo that runs embedding requests where it is activated.</summary>
[StatelessWorker, Reentrant]
public sealed class EmbeddingGrain(EmbeddingExecutor executor) : Grain, IEmbeddingGrain
{
    public Task<EmbeddingOutcome> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken = default) =>
        executor.EmbedAsync(request, cancellationToken);
}
