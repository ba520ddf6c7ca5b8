using Orleans.Concurrency;
using Orleans.Placement;
using OrleansGateway.Cluster;

namespace OrleansGateway.Embeddings;

/// <summary>A reentrant grain of the frontends' pool that runs embedding requests where it is activated; repeated calls join, and it moves when its silo stops (as <c>ChatGrain</c>).</summary>
[Reentrant, PreferLocalPlacement]
public sealed class EmbeddingGrain(
    EmbeddingExecutor executor, PooledGrainMoves moves, IClusterMembershipService membership, SiloDepartures departures, TimeProvider time)
    : PooledCallGrain<EmbeddingOutcome>(moves, membership, departures, time), IEmbeddingGrain
{
    public Task<EmbeddingOutcome> EmbedAsync(Guid callId, EmbeddingRequest request, CancellationToken cancellationToken = default) =>
        RunAsync(callId, ct => executor.EmbedAsync(request, ct), cancellationToken);
}
