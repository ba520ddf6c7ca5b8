using Orleans.Concurrency;
using Orleans.Placement;
using OrleansGateway.Cluster;

namespace OrleansGateway.Chat;

/// <summary>
/// A reentrant grain of the frontends' pool that runs chat requests where it is activated, so provider traffic
/// spreads over the silos while the provider grains hold the limits. Not a stateless worker: a call repeated
/// after its silo connection closed must reach this same activation to join the run going here
/// (<see cref="JoinableCalls{T}"/>) rather than call the provider a second time. When its silo stops, it moves to
/// another silo as soon as the calls running here end (<see cref="PooledGrainMoves"/>).
/// </summary>
[Reentrant, PreferLocalPlacement]
public sealed class ChatGrain(
    ChatExecutor executor, PooledGrainMoves moves, IClusterMembershipService membership, SiloDepartures departures, TimeProvider time)
    : PooledCallGrain<ChatOutcome>(moves, membership, departures, time), IChatGrain
{
    public Task<ChatOutcome> CompleteAsync(Guid callId, ChatRequest request, CancellationToken cancellationToken = default) =>
        RunAsync(callId, ct => executor.CompleteAsync(request, ct), cancellationToken);
}
