using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace OrleansGateway.Batch;

/// <summary>Registers what batch jobs need on a silo or frontend host.</summary>
public static class BatchServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="BatchOptions"/> (bound from <c>Gateway:Batch</c>, validated at start). Idempotent.
    /// The batch grains also need the gateway core (<c>AddGatewayCore</c>), which every gateway host adds.
    /// </summary>
    public static IServiceCollection AddGatewayBatch(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(IValidateOptions<BatchOptions>)))
        {
            return services;
        }

        services.AddOptions<BatchOptions>().BindConfiguration(BatchOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BatchOptions>, BatchOptionsValidator>());
        return services;
    }
}
