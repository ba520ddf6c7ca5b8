namespace OrleansGateway.Cluster;

/// <summary>
/// The pooled grain activations (<see cref="PooledCallGrain{T}"/>: chat, embeddings) of this silo, and their move
/// when it stops. When the silo leaves the active stage (the same moment its provider grains move, and before its
/// client gateway has closed for long), each is asked to move to another active silo: it goes once the calls running
/// in it end, and calls that reach it meanwhile (repeats sent through another gateway among them) are forwarded to
/// its new activation, instead of waiting here for a silo that is about to exit and may never answer them.
/// </summary>
public sealed partial class PooledGrainMoves(ProviderGrainMoves providerMoves, TimeProvider time, ILogger<PooledGrainMoves> logger)
    : LocalGrainMoves<GrainId, IPooledCallGrain>(comparer: null, time)
{
    /// <summary>How long the pooled grains wait for the provider grains to leave first.</summary>
    private static readonly TimeSpan s_providersFirst = TimeSpan.FromSeconds(2);

    /// <summary>An active silo other than <paramref name="here"/>, picked at random, or null when there is none.</summary>
    public static SiloAddress? OtherActiveSilo(IClusterMembershipService membership, SiloAddress? here)
    {
        var targets = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active && !m.SiloAddress.Equals(here))
            .Select(m => m.SiloAddress)
            .ToArray();
        return targets.Length > 0 ? targets[Random.Shared.Next(targets.Length)] : null;
    }

    /// <summary>
    /// Orleans sends the grains migrating to one silo in batches, each waiting for the last to be activated there:
    /// the provider grains, which every request waits for, go first, ahead of these.
    /// </summary>
    protected override Task BeforeMoveAsync(CancellationToken cancellationToken) =>
        providerMoves.WaitUntilNoneActiveAsync(s_providersFirst, cancellationToken);

    protected override Task MoveAsync(IPooledCallGrain grain) => grain.MoveAwayAsync();

    protected override void LogMoving(int count) => LogMoving(logger, count);

    protected override void LogMoveFailed(Exception exception) => LogMoveFailed(logger, exception);

    [LoggerMessage(EventId = 1320, Level = LogLevel.Information, Message = "Silo stopping: {Count} pooled chat and embedding grain(s) move to another silo once their running calls end")]
    private static partial void LogMoving(ILogger logger, int count);

    [LoggerMessage(EventId = 1321, Level = LogLevel.Warning, Message = "Moving the pooled grains of a stopping silo failed")]
    private static partial void LogMoveFailed(ILogger logger, Exception exception);
}
