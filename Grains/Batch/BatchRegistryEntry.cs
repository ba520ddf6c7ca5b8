namespace OrleansGateway.Batch;

/// <summary>One listed job.</summary>
[GenerateSerializer, Alias("gw.BatchRegistryEntry")]
public sealed class BatchRegistryEntry
{
    [Id(0)] public string JobId { get; set; } = string.Empty;

    [Id(1)] public DateTimeOffset SubmittedAt { get; set; }

    /// <summary>The virtual key that created the job; null: an admin key.</summary>
    [Id(2)] public string? KeyId { get; set; }
}
