using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OrleansGateway.Operations;

/// <summary>Registers what the operations page needs: the status reader and this process's token reporter.</summary>
public static class OperationsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the operations page's services for a process of kind <paramref name="host"/> (<c>frontend</c>, <c>silo</c>);
    /// <paramref name="dashboardPath"/> is linked from the page when the process serves the Orleans Dashboard. Idempotent.
    /// </summary>
    public static IServiceCollection AddGatewayOperations(this IServiceCollection services, string host, string? dashboardPath = null)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(new OperationsHost(host, dashboardPath));
        services.TryAddSingleton<OperationsStatusReader>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, ProviderTokenReporter>());
        return services;
    }
}
