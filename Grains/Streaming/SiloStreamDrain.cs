using Microsoft.Extensions.Hosting;

namespace OrleansGateway.Streaming;

/// <summary>
/// The streams open in this silo's <see cref="ChatStreamGrain"/>s, and their end when the silo stops. A stream's
/// enumerator lives in its grain activation, so deactivating the activation cuts the stream after its first byte.
/// In a cluster, when the silo leaves the active stage (before Orleans deactivates its grains) the stream grains
/// here start no new stream (the frontend starts it on another grain of the pool) and the silo waits for the open
/// ones to end, for up to two thirds of its shutdown timeout (<c>Gateway:Hosting:ShutdownTimeoutSeconds</c>).
/// </summary>
public sealed partial class SiloStreamDrain(IOptions<HostOptions> host, TimeProvider time, ILogger<SiloStreamDrain> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(50);

    private volatile bool _stopping;
    private int _open;

    /// <summary>Whether this silo has begun to stop: stream grains here start no new stream.</summary>
    public bool IsStopping => _stopping;

    /// <summary>Streams open in this silo now.</summary>
    public int OpenStreams => Volatile.Read(ref _open);

    /// <summary>Counts a stream that starts.</summary>
    public void StreamStarted() => Interlocked.Increment(ref _open);

    /// <summary>Counts a stream that ended.</summary>
    public void StreamEnded() => Interlocked.Decrement(ref _open);

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SiloStreamDrain), ServiceLifecycleStage.Active, _ => Task.CompletedTask, DrainAsync);

    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        var open = OpenStreams;
        if (open == 0)
        {
            return;
        }

        var bound = host.Value.ShutdownTimeout * 2 / 3;
        Log.Draining(logger, open, bound);
        var started = time.GetTimestamp();
        while (OpenStreams > 0 && time.GetElapsedTime(started) < bound && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(s_poll, time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (OpenStreams > 0)
        {
            Log.DrainIncomplete(logger, OpenStreams);
        }
    }
}
