using Orleans.Runtime.Placement;

namespace OrleansGateway.Cluster;

/// <summary>
/// What the frontends' pooled grains (chat, embeddings) share: calls joined by id (<see cref="JoinableCalls{T}"/>),
/// the answer to "is this call still running here?", and the move to another silo when this one stops
/// (<see cref="PooledGrainMoves"/>).
/// </summary>
public abstract class PooledCallGrain<T>(
    PooledGrainMoves moves, IClusterMembershipService membership, SiloDepartures departures, TimeProvider time) : Grain, IPooledCallGrain
{
    private readonly JoinableCalls<T> _calls = new(departures, time);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        moves.Activated(this.GetGrainId(), this.AsReference<IPooledCallGrain>());
        if (moves.IsStopping)
        {
            // Placed on a silo that has begun to stop: go on at once to one that stays.
            MoveAway();
        }

        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        moves.Deactivated(this.GetGrainId());
        return Task.CompletedTask;
    }

    public Task MoveAwayAsync()
    {
        MoveAway();
        return Task.CompletedTask;
    }

    public Task<PooledCallState> GetCallStateAsync(Guid callId) => Task.FromResult(_calls.StateOf(callId));

    /// <summary>Runs <paramref name="work"/> as call <paramref name="callId"/>, or joins its run (<see cref="JoinableCalls{T}.RunAsync"/>).</summary>
    protected Task<T> RunAsync(Guid callId, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        _calls.RunAsync(callId, work, cancellationToken);

    private void MoveAway()
    {
        if (PooledGrainMoves.OtherActiveSilo(membership, GrainContext.Address.SiloAddress) is { } target)
        {
            GrainContext.Migrate(new Dictionary<string, object> { [IPlacementDirector.PlacementHintKey] = target });
        }
    }
}
