namespace OrleansGateway.Batch;

/// <summary>Where the batch job list lives.</summary>
public static class BatchRegistry
{
    /// <summary>The key of the one <see cref="IBatchRegistryGrain"/>.</summary>
    public const string Key = "jobs";

    /// <summary>The key of the <see cref="IBatchRegistryGrain"/> that lists OpenAI batches (<c>GET /v1/batches</c>).</summary>
    public const string OpenAiKey = "openai-batches";
}
