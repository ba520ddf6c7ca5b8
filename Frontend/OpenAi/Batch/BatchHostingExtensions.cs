using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansGateway.Batch;

namespace OrleansGateway.Frontend.OpenAi.Batch;

/// <summary>Registers the batch API's services.</summary>
public static class BatchHostingExtensions
{
    /// <summary>Adds <see cref="BatchOptions"/> (section <c>Gateway:Batch</c>), what batch grains need and the <see cref="BatchSubmitter"/>. Idempotent.</summary>
    public static WebApplicationBuilder AddGatewayBatchApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddGatewayBatch();
        builder.Services.TryAddSingleton<BatchSubmitter>();
        return builder;
    }
}
