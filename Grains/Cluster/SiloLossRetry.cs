namespace OrleansGateway.Cluster;

/// <summary>
/// Repeats an idempotent grain call that failed because a silo died (cluster mode). Until the cluster
/// has declared the silo dead (a few seconds), calls to grains it held, or whose directory entry it
/// held, fail at once; afterwards the same call activates the grain on a live silo. So the call is
/// repeated while <see cref="SiloLossPolicy.CanResend"/> says so, with the policy's pause, for up to
/// <see cref="SiloLossPolicy.Deadline"/>.
/// </summary>
public static class SiloLossRetry
{
    /// <summary>Runs <paramref name="call"/>, repeating it while it fails with a silo loss, until <see cref="SiloLossPolicy.Deadline"/>.</summary>
    public static async Task<T> RunAsync<T>(Func<Task<T>> call, TimeProvider time, CancellationToken cancellationToken)
    {
        DateTimeOffset? giveUpAt = null;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (Exception exception) when (SiloLossPolicy.CanResend(exception) && !cancellationToken.IsCancellationRequested)
            {
                giveUpAt ??= time.GetUtcNow() + SiloLossPolicy.Deadline;
                if (time.GetUtcNow() >= giveUpAt)
                {
                    throw;
                }
            }

            await Task.Delay(SiloLossPolicy.Pause(attempt), time, cancellationToken).ConfigureAwait(false);
        }
    }
}
