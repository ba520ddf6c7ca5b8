using Orleans.Runtime;
using OrleansGateway.Cluster;

namespace OrleansGateway.Hosting;

/// <summary>
/// On a frontend's Orleans client, the client's half of surviving a silo crash:
/// <list type="bullet">
/// <item>A call still in flight when a connection to a silo (an Orleans client gateway) closes fails at
/// once with <see cref="SiloUnavailableException"/> instead of waiting out the response timeout (Orleans
/// does not fail it), so the caller's retry goes through a live silo. A call that was in fact running
/// on a surviving silo may then run twice; that is the price of not stalling.</item>
/// <item>A call Orleans rejected or could not deliver (<see cref="SiloLossPolicy.CanResend"/>) is repeated
/// with the policy's pause for up to <see cref="SiloLossPolicy.Deadline"/>.</item>
/// </list>
/// </summary>
public sealed class SiloConnectionLossCallFilter(SiloConnectionMonitor monitor, TimeProvider time) : IOutgoingGrainCallFilter
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
                throw new SiloUnavailableException($"A connection to a silo closed while {context.InterfaceName}.{context.MethodName} was in flight; it may never be answered.");
            }

            try
            {
                await call;
                return;
            }
            catch (Exception exception) when (SiloLossPolicy.CanResend(exception))
            {
                giveUpAt ??= time.GetUtcNow() + SiloLossPolicy.Deadline;
                if (time.GetUtcNow() >= giveUpAt)
                {
                    throw;
                }
            }

            await Task.Delay(SiloLossPolicy.Pause(attempt), time);
        }
    }
}
