using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OrleansGateway.Frontend.OpenAi.Batches;

/// <summary>Registers what <c>/v1/batches</c> needs (the batch engine itself comes with <c>AddGatewayBatchApi</c>).</summary>
public static class BatchesHostingExtensions
{
    /// <summary>Adds the input-file reader; idempotent.</summary>
    public static WebApplicationBuilder AddGatewayBatchesApi(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<BatchInputReader>();
        return builder;
    }
}
