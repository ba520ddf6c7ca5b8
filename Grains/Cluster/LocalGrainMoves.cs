using System.Collections.Concurrent;

namespace OrleansGateway.Cluster;

/// <summary>
/// The activations of one kind of grain in this silo, and their move when it stops: each grain records itself when it
/// activates (<see cref="Activated"/>) and is forgotten when it deactivates (<see cref="Deactivated"/>); when the silo
/// leaves the active stage, <see cref="IsStopping"/> turns true (a grain activated from then on moves on at once) and each
/// grain still here is asked to move (<see cref="MoveAsync(TGrain)"/>). A failure is logged: Orleans' own deactivation
/// of the silo's grains still follows.
/// </summary>
public abstract class LocalGrainMoves<TKey, TGrain> : ILifecycleParticipant<ISiloLifecycle>
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, TGrain> _active;
    private readonly TimeProvider _time;
    private TaskCompletionSource? _noneActive;
    private volatile bool _stopping;

    protected LocalGrainMoves(IEqualityComparer<TKey>? comparer, TimeProvider time)
    {
        _active = new ConcurrentDictionary<TKey, TGrain>(comparer);
        _time = time;
    }

    /// <summary>Whether this silo has begun to stop (a grain activated now moves on at once).</summary>
    public bool IsStopping => _stopping;

    /// <summary>Records the activation of grain <paramref name="key"/> in this silo.</summary>
    public void Activated(TKey key, TGrain grain)
    {
        _active[key] = grain;
        if (Volatile.Read(ref _noneActive) is { Task.IsCompleted: true } done)
        {
            // Active again: the next wait waits for this one too.
            Interlocked.CompareExchange(ref _noneActive, null, done);
        }
    }

    /// <summary>Forgets it when it deactivates.</summary>
    public void Deactivated(TKey key)
    {
        if (_active.TryRemove(key, out _) && _active.IsEmpty)
        {
            Volatile.Read(ref _noneActive)?.TrySetResult();
        }
    }

    /// <summary>Waits until none of these grains is active in this silo (they have moved), for at most <paramref name="limit"/>.</summary>
    public async Task WaitUntilNoneActiveAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var noneActive = Interlocked.CompareExchange(ref _noneActive, created, null) ?? created;
        if (_active.IsEmpty)
        {
            // The last one left before the completion was there to be set.
            noneActive.TrySetResult();
        }

        try
        {
            await noneActive.Task.WaitAsync(limit, _time, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Some are still here at the limit: the caller goes on without them.
        }
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(GetType().Name, ServiceLifecycleStage.Active, _ => Task.CompletedTask, MoveAllAsync);

    /// <summary>What comes before the move, once the silo has begun to stop and some of these grains are active.</summary>
    protected virtual Task BeforeMoveAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Asks <paramref name="grain"/> to move to another silo.</summary>
    protected abstract Task MoveAsync(TGrain grain);

    /// <summary>Logs that <paramref name="count"/> grains are asked to move.</summary>
    protected abstract void LogMoving(int count);

    /// <summary>Logs that the move failed.</summary>
    protected abstract void LogMoveFailed(Exception exception);

    private async Task MoveAllAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        if (_active.IsEmpty)
        {
            return;
        }

        try
        {
            await BeforeMoveAsync(cancellationToken);
            var grains = _active.Values.ToArray();
            LogMoving(grains.Length);
            await Task.WhenAll(grains.Select(MoveAsync)).WaitAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogMoveFailed(exception);
        }
    }
}
