using System.Diagnostics;

namespace OrleansGateway.Hosting;

/// <summary>
/// Tells a frontend's Orleans client when one of its connections to a silo closed (the silo went away).
/// Orleans does not fail the calls that were in flight through that connection; they would wait for
/// the full response timeout. <see cref="SiloConnectionLossCallFilter"/> uses <see cref="NextLoss"/> to
/// give them up at once so the caller can retry through a live silo.
/// </summary>
public sealed class SiloConnectionMonitor : IClusterConnectionStatusObserver
{
    private TaskCompletionSource _nextLoss = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lastLoss = long.MinValue;

    /// <summary>Completes when a connection to a silo closes after this moment.</summary>
    public Task NextLoss => Volatile.Read(ref _nextLoss).Task;

    /// <summary>Whether a connection to a silo closed within the last <paramref name="window"/>.</summary>
    public bool LostWithin(TimeSpan window)
    {
        var last = Interlocked.Read(ref _lastLoss);
        return last != long.MinValue && Stopwatch.GetElapsedTime(last) < window;
    }

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
        if (currentNumberOfGateways < previousNumberOfGateways)
        {
            Lost();
        }
    }

    public void NotifyClusterConnectionLost() => Lost();

    private void Lost()
    {
        Interlocked.Exchange(ref _lastLoss, Stopwatch.GetTimestamp());
        Interlocked.Exchange(ref _nextLoss, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
