namespace OrleansGateway.Cluster;

/// <summary>
/// A grain of the frontends' pools (chat, embeddings) that runs calls named by the caller's call id
/// (<c>JoinableCalls</c>). When its silo begins to stop, the silo asks it to move to another active silo at once
/// (<see cref="MoveAwayAsync"/>), so calls repeated after the stopping silo's client gateway closed reach a silo
/// that stays; and a frontend that waits for a call after a silo left asks whether the call is still running
/// (<see cref="GetCallStateAsync"/>), so an answer lost with a silo is found out in about a second.
/// </summary>
[Alias("gw.IPooledCallGrain")]
public interface IPooledCallGrain : IGrain
{
    /// <summary>Moves this activation to another active silo once the calls running in it end (nothing when there is none).</summary>
    [Alias("MoveAway")]
    Task MoveAwayAsync();

    /// <summary>Whether call <paramref name="callId"/> runs in this activation, has finished here (its answer kept), or is unknown here.</summary>
    [Alias("CallState")]
    Task<PooledCallState> GetCallStateAsync(Guid callId);
}
