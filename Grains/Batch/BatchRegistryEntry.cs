namespace OrleansGateway.Batch;

/// <summary>One listed job.</summary>
[GenerateSerializer, Alias("gw.BatchRegistryEntry")]
public sealed class BatchRegistryEntry
{
    [Id(0)] public string JobId { get; set; } = string.Empty;

    [Id(1)] public DateTimeOffset SubmittedAt { get; set; }
}
