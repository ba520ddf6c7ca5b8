using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace OrleansGateway.Hosting;

/// <summary>How the gateway's silos and frontends send exceptions to each other in grain call answers.</summary>
public static class ExceptionSerializationExtensions
{
    /// <summary>
    /// Lets Orleans serialize an exception of any type (message, stack trace, inner exception, HResult, data), not only
    /// those of the <c>Microsoft</c>, <c>System</c> and <c>Azure</c> namespaces it takes by default. An answer whose
    /// exception Orleans cannot serialize is never sent, and its caller waits for the response timeout: a placement that
    /// timed out while a restarted cluster settled wraps Polly's <c>TimeoutRejectedException</c>, and its rejection was
    /// dropped, leaving a frontend's request hanging (<c>CodecNotFoundException</c> in the silo's log). A receiver that
    /// cannot load the type gets Orleans' <c>UnavailableExceptionFallbackException</c> with the same message.
    /// </summary>
    public static IServiceCollection AddGatewayExceptionSerialization(this IServiceCollection services)
    {
        services.Configure<ExceptionSerializationOptions>(static options => options.SupportedExceptionTypeFilter = static _ => true);
        return services;
    }
}
