namespace OrleansGateway.Batch;

/// <summary>The jobs a <see cref="BatchRegistryGrain"/> lists, oldest first.</summary>
[GenerateSerializer, Alias("gw.BatchRegistryState")]
public sealed class BatchRegistryState
{
    [Id(0)] public List<BatchRegistryEntry> Jobs { get; set; } = [];
}
