using Orleans.Runtime;

namespace OrleansGateway.Hosting;

/// <summary>
/// Retries a grain call that failed because a silo died (cluster mode). Until the cluster has
/// declared the silo dead (a few seconds), calls to grains it held, or whose directory entry it
/// held, fail at once; afterwards the same call activates the grain on a live silo. So the call
/// is repeated with a short, growing pause for up to <see cref="Deadline"/>.
/// </summary>
public static class SiloLossRetry
{
    /// <summary>How long a call is retried after its first silo-loss failure.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>Whether <paramref name="exception"/> says the call was lost with a silo (worth retrying).</summary>
    public static bool IsSiloLoss(Exception exception) =>
        exception is SiloUnavailableException or OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException;

    /// <summary>The pause before retry number <paramref name="attempt"/> + 1: 100 ms, doubling, at most 1 s.</summary>
    public static TimeSpan Pause(int attempt) => TimeSpan.FromMilliseconds(Math.Min(1000, 100 * Math.Pow(2, Math.Min(attempt, 4))));

    /// <summary>Runs <paramref name="call"/>, repeating it while it fails with a silo loss, until <see cref="Deadline"/>.</summary>
    public static async Task<T> RunAsync<T>(Func<Task<T>> call, TimeProvider time, CancellationToken cancellationToken)
    {
        DateTimeOffset? giveUpAt = null;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (Exception exception) when (IsSiloLoss(exception) && !cancellationToken.IsCancellationRequested)
            {
                giveUpAt ??= time.GetUtcNow() + Deadline;
                if (time.GetUtcNow() >= giveUpAt)
                {
                    throw;
                }
            }

            await Task.Delay(Pause(attempt), time, cancellationToken).ConfigureAwait(false);
        }
    }
}
