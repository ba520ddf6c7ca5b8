namespace OrleansGateway.Batch;

/// <summary>Where the batch job list lives.</summary>
public static class BatchRegistry
{
    /// <summary>The key of the one <see cref="IBatchRegistryGrain"/>.</summary>
    public const string Key = "jobs";
}
