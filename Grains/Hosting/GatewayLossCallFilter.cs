using Orleans.Runtime;

namespace OrleansGateway.Hosting;

/// <summary>
/// On a frontend's Orleans client, the client's half of surviving a silo crash:
/// <list type="bullet">
/// <item>A call still in flight when a gateway connection closes fails at once with
/// <see cref="SiloUnavailableException"/> instead of waiting out the response timeout (Orleans does
/// not fail it), so the caller's retry goes through a live gateway. A call that was in fact running
/// on a surviving silo may then run twice; that is the price of not stalling.</item>
/// <item>A call rejected before it ran because a silo is gone (the cluster has not yet recovered
/// the dead silo's directory entries, or its connection is refused) is repeated with a short pause
/// for up to <see cref="SiloLossRetry.Deadline"/>. Only undelivered calls are repeated here, so any
/// grain call is safe to send through it; a <see cref="SiloUnavailableException"/> (the call may
/// have run) is left to the caller.</item>
/// </list>
/// </summary>
public sealed class GatewayLossCallFilter(GatewayConnectionMonitor monitor) : IOutgoingGrainCallFilter
{
    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        DateTimeOffset? giveUpAt = null;
        for (var attempt = 0; ; attempt++)
        {
            var loss = monitor.NextLoss;
            var call = context.Invoke();
            if (await Task.WhenAny(call, loss) != call)
            {
                // The abandoned call still occupies this context, so it cannot be sent again from here;
                // observe its outcome so it is not reported as unobserved, and let the caller retry.
                _ = call.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                throw new SiloUnavailableException($"A gateway connection closed while {context.InterfaceName}.{context.MethodName} was in flight; it may never be answered.");
            }

            try
            {
                await call;
                return;
            }
            catch (Exception exception) when (IsUndelivered(exception))
            {
                giveUpAt ??= DateTimeOffset.UtcNow + SiloLossRetry.Deadline;
                if (DateTimeOffset.UtcNow >= giveUpAt)
                {
                    throw;
                }
            }

            await Task.Delay(SiloLossRetry.Pause(attempt));
        }
    }

    /// <summary>Whether the call was rejected without running: the message never reached a live grain.</summary>
    public static bool IsUndelivered(Exception exception) =>
        exception is OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException;
}
