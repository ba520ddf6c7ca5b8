namespace OrleansGateway.Hosting;

/// <summary>
/// Tells a frontend's Orleans client when one of its gateway connections closed (a silo went away).
/// Orleans does not fail the calls that were in flight through that connection; they would wait for
/// the full response timeout. <see cref="GatewayLossCallFilter"/> uses <see cref="NextLoss"/> to give
/// them up at once so the caller can retry through a live gateway.
/// </summary>
public sealed class GatewayConnectionMonitor : IClusterConnectionStatusObserver
{
    private TaskCompletionSource _nextLoss = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a gateway connection closes after this moment.</summary>
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
