using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using OrleansGateway.Cluster;
using OrleansGateway.Embeddings;
using OrleansGateway.Frontend.Hosting;
using OrleansGateway.Hosting;
using OrleansGateway.Streaming;

namespace OrleansGateway.Tests.Hosting;

/// <summary>What each kind of frontend registers; checked on the builder, without starting Orleans.</summary>
public sealed class HostRegistrationTests
{
    private static readonly Type[] ExecutionServices =
    [
        typeof(ChatExecutor), typeof(ChatStreamExecutor), typeof(EmbeddingExecutor), typeof(ProviderClientRegistry),
        typeof(ProviderChatCaller), typeof(TokenUsageEstimator), typeof(ProviderGrainMoves), typeof(SiloStreamDrain), typeof(SiloDepartures),
    ];

    [Fact]
    public void ClusterFrontend_Registers_NoExecutorOrProviderClient()
    {
        var services = Frontend(new() { ["ConnectionStrings:redis"] = "127.0.0.1:1" });

        Assert.Contains(services, d => d.ServiceType == typeof(GatewayHostMode) && Equals(d.ImplementationInstance, GatewayHostMode.Cluster));
        foreach (var type in ExecutionServices)
        {
            Assert.DoesNotContain(services, d => d.ServiceType == type);
        }

        Assert.Contains(services, d => d.ServiceType == typeof(Microsoft.Extensions.Options.IValidateOptions<OrleansGateway.Providers.ProvidersOptions>));
        Assert.Contains(services, d => d.ServiceType == typeof(Microsoft.Extensions.Options.IValidateOptions<GatewayHostingOptions>));
    }

    [Fact]
    public void EmbeddedFrontend_Registers_TheExecutorsItsSiloAndInProcessDispatchUse()
    {
        var services = Frontend([]);

        Assert.Contains(services, d => d.ServiceType == typeof(GatewayHostMode) && Equals(d.ImplementationInstance, GatewayHostMode.Embedded));
        foreach (var type in ExecutionServices)
        {
            Assert.True(services.Any(d => d.ServiceType == type), $"expected {type.Name} to be registered in embedded mode");
        }
    }

    private static IServiceCollection Frontend(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddGatewayOrleans();
        builder.AddGatewayFrontend();
        return builder.Services;
    }
}
