using OrleansGateway.Batch;

namespace OrleansGateway.Frontend.Batch;

/// <summary>Registers the batch API's services.</summary>
public static class BatchHostingExtensions
{
    /// <summary>Adds <see cref="BatchOptions"/> (section <c>Gateway:Batch</c>) and what batch grains need. Idempotent.</summary>
    public static WebApplicationBuilder AddGatewayBatchApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddGatewayBatch();
        return builder;
    }
}
