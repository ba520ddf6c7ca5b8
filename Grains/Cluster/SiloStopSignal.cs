namespace OrleansGateway.Cluster;

/// <summary>
/// Tells a silo's grains that work they run is lost: where grain state dies with the silo (embedded mode, in-memory
/// storage), <see cref="WorkLost"/> is cancelled when the silo begins to stop, so batch tasks stop calling providers
/// and stop retrying writes to a storage that is going away (which held the stop up to its timeout and logged
/// failures). Where state outlives the silo (a cluster) it is never cancelled: running work finishes or is resumed
/// from storage elsewhere.
/// </summary>
public sealed class SiloStopSignal(bool stateOutlivesSilo) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private readonly CancellationTokenSource _workLost = new();

    /// <summary>Whether grain state outlives this silo (durable storage).</summary>
    public bool StateOutlivesSilo { get; } = stateOutlivesSilo;

    /// <summary>Cancelled when this silo begins to stop, if its grain state dies with it.</summary>
    public CancellationToken WorkLost => _workLost.Token;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SiloStopSignal), ServiceLifecycleStage.Active, _ => Task.CompletedTask, _ =>
        {
            if (!StateOutlivesSilo)
            {
                _workLost.Cancel();
            }

            return Task.CompletedTask;
        });

    public void Dispose() => _workLost.Dispose();
}
