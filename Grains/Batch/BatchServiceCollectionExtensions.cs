using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansGateway.Hosting;

namespace OrleansGateway.Batch;

/// <summary>Registers what batch jobs need on a silo or frontend host.</summary>
public static class BatchServiceCollectionExtensions
{
    /// <summary>Adds the gateway core and <see cref="BatchOptions"/> (bound from <c>Gateway:Batch</c>, validated at start). Idempotent.</summary>
    public static IServiceCollection AddGatewayBatch(this IServiceCollection services)
    {
        services.AddGatewayCore();
        services.AddOptions<BatchOptions>().BindConfiguration(BatchOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BatchOptions>, BatchOptionsValidator>());
        return services;
    }
}
