using OrleansGateway.Cluster;

namespace OrleansGateway.Providers;

/// <summary>
/// The <see cref="ProviderGrain"/> activations of this silo, and their move when it stops. In a cluster it
/// takes part in the silo's shutdown: when the silo leaves the active stage (before Orleans deactivates its
/// grains) it asks each local provider grain to prepare to move (<see cref="IProviderGrain.PrepareToMoveAsync"/>):
/// queued callers are answered "ask again" instead of holding the deactivation up until their queue timeout,
/// and the grain migrates at once to another active silo, writing its lease table, which the next activation adopts.
/// A failure leaves Orleans' deactivation to follow; its waiters then end at their queue timeout.
/// </summary>
public sealed partial class ProviderGrainMoves(bool handOverAtShutdown, TimeProvider time, ILogger<ProviderGrainMoves> logger)
    : LocalGrainMoves<string, IProviderGrain>(StringComparer.Ordinal, time)
{
    /// <summary>
    /// Whether a provider grain writes its lease table when its silo shuts down: true where grain storage
    /// outlives the process (a cluster), false in embedded mode, whose in-memory storage is already gone by then.
    /// </summary>
    public bool HandsOverAtShutdown { get; } = handOverAtShutdown;

    protected override Task MoveAsync(IProviderGrain grain) => grain.PrepareToMoveAsync();

    protected override void LogMoving(int count) => Log.PreparingToMove(logger, count);

    protected override void LogMoveFailed(Exception exception) => Log.PrepareFailed(logger, exception);
}
