using Orleans.Runtime;
using OrleansGateway.Cluster;

namespace OrleansGateway.Hosting;

/// <summary>
/// On a frontend's Orleans client, the client's half of surviving a silo crash or stop:
/// <list type="bullet">
/// <item>A call still in flight when a connection to a silo (an Orleans client gateway) closes fails at
/// once with <see cref="SiloUnavailableException"/> instead of waiting out the response timeout (Orleans
/// does not fail it), so the caller's retry goes through a live silo. A call that was in fact running
/// on a surviving silo may then run twice; that is the price of not stalling.</item>
/// <item>A pooled call (chat, embeddings: <see cref="IPooledCallGrain"/>) made within <see cref="WatchWindow"/>
/// after such a loss is watched: its connection is fine, but it may have been forwarded to an activation on the
/// silo that is leaving, and an answer lost there is never reported. Every <see cref="ProbePeriod"/> its grain is
/// asked whether the call still runs; when it no longer does (<see cref="PooledCallVerdict"/>), the call fails
/// with <see cref="SiloUnavailableException"/> and the caller repeats it (joining a kept answer, or running it anew).</item>
/// <item>A call Orleans rejected or could not deliver (<see cref="SiloLossPolicy.CanResend"/>) is repeated
/// with the policy's pause for up to <see cref="SiloLossPolicy.Deadline"/>.</item>
/// </list>
/// </summary>
public sealed class SiloConnectionLossCallFilter(SiloConnectionMonitor monitor, TimeProvider time) : IOutgoingGrainCallFilter
{
    /// <summary>How long after a silo connection closed pooled calls are watched.</summary>
    public static readonly TimeSpan WatchWindow = SiloDepartures.Window;

    /// <summary>How often a watched call's grain is asked whether the call still runs.</summary>
    public static readonly TimeSpan ProbePeriod = TimeSpan.FromMilliseconds(500);

    /// <summary>How long one such question may take before its answer counts as none.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1.5);

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        DateTimeOffset? giveUpAt = null;
        for (var attempt = 0; ; attempt++)
        {
            var loss = monitor.NextLoss;
            var call = context.Invoke();
            if (!await AnsweredAsync(context, call, loss))
            {
                // The abandoned call still occupies this context, so it cannot be sent again from here;
                // observe its outcome so it is not reported as unobserved, and let the caller retry.
                _ = call.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                throw new SiloUnavailableException($"{context.InterfaceName}.{context.MethodName} may never be answered: a silo connection closed while it was in flight, or the silo it ran on left.");
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

    /// <summary>Waits until <paramref name="call"/> ends (true) or is to be given up as lost (false).</summary>
    private async Task<bool> AnsweredAsync(IOutgoingGrainCallContext context, Task call, Task loss)
    {
        if (!monitor.LostWithin(WatchWindow) || WatchedCall(context) is not { } watched)
        {
            return await Task.WhenAny(call, loss) == call;
        }

        var (grain, callId) = watched;
        var verdict = new PooledCallVerdict();
        while (true)
        {
            var first = await Task.WhenAny(call, loss, Task.Delay(ProbePeriod, time));
            if (first == call)
            {
                return true;
            }

            if (first == loss)
            {
                return false;
            }

            PooledCallState? answer;
            try
            {
                answer = await grain.GetCallStateAsync(callId).WaitAsync(ProbeTimeout, time);
            }
            catch (Exception)
            {
                answer = null;
            }

            if (call.IsCompleted)
            {
                return true;
            }

            if (verdict.IsLost(answer))
            {
                return false;
            }
        }
    }

    /// <summary>The grain and call id of a pooled call (its first argument), or null for any other call (the questions themselves included).</summary>
    private static (IPooledCallGrain Grain, Guid CallId)? WatchedCall(IOutgoingGrainCallContext context) =>
        context.Grain is IPooledCallGrain grain
        && context.MethodName is not (nameof(IPooledCallGrain.GetCallStateAsync) or nameof(IPooledCallGrain.MoveAwayAsync))
        && context.Request.GetArgumentCount() > 0
        && context.Request.GetArgument(0) is Guid callId
            ? (grain, callId)
            : null;
}
