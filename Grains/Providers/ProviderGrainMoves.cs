using System.Collections.Concurrent;

namespace OrleansGateway.Providers;

/// <summary>
/// The <see cref="ProviderGrain"/> activations of this silo, and their move when it stops. In a cluster it
/// takes part in the silo's shutdown: when the silo leaves the active stage (before Orleans deactivates its
/// grains) it asks each local provider grain to prepare to move (<see cref="IProviderGrain.PrepareToMoveAsync"/>):
/// queued callers are answered "ask again" instead of holding the deactivation up until their queue timeout,
/// and the grain migrates at once to another active silo, writing its lease table, which the next activation adopts.
/// </summary>
public sealed partial class ProviderGrainMoves : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly ConcurrentDictionary<string, IProviderGrain> _active = new(StringComparer.Ordinal);
    private readonly ILogger<ProviderGrainMoves> _logger;
    private volatile bool _stopping;

    public ProviderGrainMoves(bool handOverAtShutdown, ILogger<ProviderGrainMoves> logger)
    {
        HandsOverAtShutdown = handOverAtShutdown;
        _logger = logger;
    }

    /// <summary>
    /// Whether a provider grain writes its lease table when its silo shuts down: true where grain storage
    /// outlives the process (a cluster), false in embedded mode, whose in-memory storage is already gone by then.
    /// </summary>
    public bool HandsOverAtShutdown { get; }

    /// <summary>Whether this silo has begun to stop (a provider grain activated now prepares to move at once).</summary>
    public bool IsStopping => _stopping;

    /// <summary>Records an activation of provider <paramref name="name"/>'s grain in this silo.</summary>
    public void Activated(string name, IProviderGrain grain) => _active[name] = grain;

    /// <summary>Forgets it when it deactivates.</summary>
    public void Deactivated(string name) => _active.TryRemove(name, out _);

    /// <summary>Waits until no provider grain is active in this silo (they have moved), for at most <paramref name="limit"/>.</summary>
    public async Task WaitUntilNoneActiveAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        var until = Environment.TickCount64 + (long)limit.TotalMilliseconds;
        while (!_active.IsEmpty && Environment.TickCount64 < until)
        {
            await Task.Delay(10, cancellationToken);
        }
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ProviderGrainMoves), ServiceLifecycleStage.Active, _ => Task.CompletedTask, PrepareAllToMoveAsync);

    private async Task PrepareAllToMoveAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        var grains = _active.ToArray();
        if (grains.Length == 0)
        {
            return;
        }

        Log.PreparingToMove(_logger, grains.Length);
        try
        {
            await Task.WhenAll(grains.Select(g => g.Value.PrepareToMoveAsync())).WaitAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Orleans' deactivation still follows; its waiters then end at their queue timeout, as before.
            Log.PrepareFailed(_logger, exception);
        }
    }
}
