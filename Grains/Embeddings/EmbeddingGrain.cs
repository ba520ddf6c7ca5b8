using Orleans.Concurrency;
using Orleans.Placement;
using OrleansGateway.Cluster;

namespace OrleansGateway.Embeddings;

/// <summary>A reentrant grain of the frontends' pool that runs embedding requests where it is activated; repeated calls join (as <c>ChatGrain</c>'s).</summary>
[Reentrant, PreferLocalPlacement]
public sealed class EmbeddingGrain(EmbeddingExecutor executor, SiloDepartures departures, TimeProvider time) : Grain, IEmbeddingGrain
{
    private readonly JoinableCalls<EmbeddingOutcome> _calls = new(departures, time);

    public Task<EmbeddingOutcome> EmbedAsync(Guid callId, EmbeddingRequest request, CancellationToken cancellationToken = default) =>
        _calls.RunAsync(callId, ct => executor.EmbedAsync(request, ct), cancellationToken);
}
