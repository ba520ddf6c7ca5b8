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

    /// <summary>Completes when a connection to a silo closes after this moment.</summary>
    public Task NextLoss => Volatile.Read(ref _nextLoss).Task;

    public void NotifyGatewayCountChanged(int currentNumberOfGateways, int previousNumberOfGateways, bool connectionRecovered)
    {
        if (currentNumberOfGateways < previousNumberOfGateways)
        {
            Interlocked.Exchange(ref _nextLoss, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }

    public void NotifyClusterConnectionLost() =>
        Interlocked.Exchange(ref _nextLoss, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
