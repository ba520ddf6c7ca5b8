using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansGateway.Chat;
using OrleansGateway.Embeddings;
using OrleansGateway.Providers;
using OrleansGateway.Secrets;
using OrleansGateway.Streaming;
using OrleansGateway.Telemetry;

namespace OrleansGateway.Hosting;

/// <summary>Registers what every gateway host needs: options, provider clients and the chat executor.</summary>
public static class GatewayServiceCollectionExtensions
{
    /// <summary>Adds the gateway's options (bound from <c>Gateway</c>, validated at start) and provider services. Idempotent.</summary>
    public static IServiceCollection AddGatewayCore(this IServiceCollection services)
    {
        services.AddOptions<ProvidersOptions>().BindConfiguration(ProvidersOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<ProvidersOptions>, ProvidersOptionsSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ProvidersOptions>, ProvidersOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IJitterSource, SharedRandomJitterSource>();
        services.AddMetrics();
        services.TryAddSingleton<GatewayMetrics>();
        services.TryAddSingleton<SecretRedactor>();
        services.TryAddSingleton<ProviderClientRegistry>();
        services.TryAddSingleton(static sp => new ProviderGrainMoves(handOverAtShutdown: true, sp.GetRequiredService<ILogger<ProviderGrainMoves>>()));
        services.TryAddSingleton<ProviderChatCaller>();
        services.TryAddSingleton<ChatExecutor>();
        services.TryAddSingleton<TokenUsageEstimator>();
        services.TryAddSingleton<ChatStreamExecutor>();
        services.TryAddSingleton<SiloStreamDrain>();
        services.TryAddSingleton<EmbeddingExecutor>();
        return services;
    }
}
