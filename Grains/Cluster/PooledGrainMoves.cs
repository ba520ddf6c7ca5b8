using System.Collections.Concurrent;

namespace OrleansGateway.Cluster;

/// <summary>
/// The pooled grain activations (<see cref="PooledCallGrain{T}"/>: chat, embeddings) of this silo, and their move
/// when it stops. When the silo leaves the active stage (the same moment its provider grains move, and before its
/// client gateway has closed for long), each is asked to move to another active silo: it goes once the calls running
/// in it end, and calls that reach it meanwhile (repeats sent through another gateway among them) are forwarded to
/// its new activation, instead of waiting here for a silo that is about to exit and may never answer them.
/// </summary>
public sealed partial class PooledGrainMoves(ProviderGrainMoves providerMoves, ILogger<PooledGrainMoves> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>How long the pooled grains wait for the provider grains to leave first.</summary>
    private static readonly TimeSpan s_providersFirst = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<GrainId, IPooledCallGrain> _active = new();
    private volatile bool _stopping;

    /// <summary>Whether this silo has begun to stop (a pooled grain activated now moves on at once).</summary>
    public bool IsStopping => _stopping;

    /// <summary>Records a pooled grain activation of this silo.</summary>
    public void Activated(GrainId id, IPooledCallGrain grain) => _active[id] = grain;

    /// <summary>Forgets it when it deactivates.</summary>
    public void Deactivated(GrainId id) => _active.TryRemove(id, out _);

    /// <summary>An active silo other than <paramref name="here"/>, picked at random, or null when there is none.</summary>
    public static SiloAddress? OtherActiveSilo(IClusterMembershipService membership, SiloAddress? here)
    {
        var targets = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active && !m.SiloAddress.Equals(here))
            .Select(m => m.SiloAddress)
            .ToArray();
        return targets.Length > 0 ? targets[Random.Shared.Next(targets.Length)] : null;
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(PooledGrainMoves), ServiceLifecycleStage.Active, _ => Task.CompletedTask, MoveAllAsync);

    private async Task MoveAllAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        if (_active.IsEmpty)
        {
            return;
        }

        try
        {
            // Orleans sends the grains migrating to one silo in batches, each waiting for the last to be activated
            // there: the provider grains, which every request waits for, go first, ahead of these.
            await providerMoves.WaitUntilNoneActiveAsync(s_providersFirst, cancellationToken);
            var grains = _active.Values.ToArray();
            LogMoving(logger, grains.Length);
            await Task.WhenAll(grains.Select(g => g.MoveAwayAsync())).WaitAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Orleans' own deactivation of this silo's grains still follows.
            LogMoveFailed(logger, exception);
        }
    }

    [LoggerMessage(EventId = 1320, Level = LogLevel.Information, Message = "Silo stopping: {Count} pooled chat and embedding grain(s) move to another silo once their running calls end")]
    private static partial void LogMoving(ILogger logger, int count);

    [LoggerMessage(EventId = 1321, Level = LogLevel.Warning, Message = "Moving the pooled grains of a stopping silo failed")]
    private static partial void LogMoveFailed(ILogger logger, Exception exception);
}
