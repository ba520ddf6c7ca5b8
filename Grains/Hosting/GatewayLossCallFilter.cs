using Orleans.Runtime;

namespace OrleansGateway.Hosting;

/// <summary>
/// On a frontend's Orleans client: a grain call still in flight when a gateway connection closes
/// fails at once with <see cref="SiloUnavailableException"/> instead of waiting out the response
/// timeout, so the caller's retry (one, in the frontend's dispatcher) goes through a live gateway.
/// A call that was in fact running on a surviving silo may then run twice; that is the price of not
/// stalling for half a minute after a silo crash.
/// </summary>
public sealed class GatewayLossCallFilter(GatewayConnectionMonitor monitor) : IOutgoingGrainCallFilter
{
    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        var loss = monitor.NextLoss;
        var call = context.Invoke();
        if (await Task.WhenAny(call, loss) == call)
        {
            await call;
            return;
        }

        // Observe the abandoned call's outcome so it is not reported as unobserved.
        _ = call.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        throw new SiloUnavailableException($"A gateway connection closed while {context.InterfaceName}.{context.MethodName} was in flight; it may never be answered.");
    }
}
