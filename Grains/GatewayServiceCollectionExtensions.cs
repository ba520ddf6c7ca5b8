using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansGateway.Cluster;
using OrleansGateway.Embeddings;
using OrleansGateway.Keys;
using OrleansGateway.Secrets;
using OrleansGateway.Streaming;
using OrleansGateway.Telemetry;

namespace OrleansGateway;

/// <summary>Registers the gateway's options and (where grains run) its provider clients and executors.</summary>
public static class GatewayServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="ProvidersOptions"/> (bound from <c>Gateway</c>, provider shorthands applied, validated
    /// at start) and a <see cref="TimeProvider"/>: what every host reads, a cluster frontend included. Idempotent.
    /// </summary>
    public static IServiceCollection AddGatewayOptions(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(IValidateOptions<ProvidersOptions>)))
        {
            return services;
        }

        services.AddOptions<ProvidersOptions>().BindConfiguration(ProvidersOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<ProvidersOptions>, ProvidersOptionsSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ProvidersOptions>, ProvidersOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }

    /// <summary>
    /// Adds <see cref="AddGatewayOptions"/> and what runs provider calls: provider clients, the chat,
    /// stream and embedding executors, token estimates, provider grain moves and the stream drain.
    /// A silo needs all of it, and so does an embedded frontend (its in-process silo, and its
    /// in-process dispatch); a cluster frontend needs none of it. Idempotent. With them the key check of batch
    /// tasks (<see cref="BatchKeyGate"/>).
    /// </summary>
    public static IServiceCollection AddGatewayCore(this IServiceCollection services)
    {
        services.AddGatewayOptions();
        services.TryAddSingleton<IJitterSource, SharedRandomJitterSource>();
        services.AddMetrics();
        services.TryAddSingleton<GatewayMetrics>();
        services.TryAddSingleton<SecretRedactor>();
        services.TryAddSingleton<ProviderClientRegistry>();
        services.TryAddSingleton(static sp => new ProviderGrainMoves(handOverAtShutdown: true, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ProviderGrainMoves>>()));
        services.TryAddSingleton<PooledGrainMoves>();
        services.TryAddSingleton(static _ => new SiloStopSignal(stateOutlivesSilo: true));
        services.TryAddSingleton<ProviderChatCaller>();
        services.TryAddSingleton<ChatExecutor>();
        services.TryAddSingleton<TokenUsageEstimator>();
        services.TryAddSingleton<ChatStreamExecutor>();
        services.TryAddSingleton<SiloStreamDrain>();
        services.TryAddSingleton(static sp => new SiloDepartures(sp.GetRequiredService<Orleans.Runtime.IClusterMembershipService>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<EmbeddingExecutor>();
        // A batch task of a virtual key's job passes the key's limits where it runs (this process's allowance of the key).
        services.TryAddSingleton<KeyPrices>();
        services.TryAddSingleton<KeyAllowances>();
        services.TryAddSingleton<BatchKeyGate>();
        return services;
    }
}
