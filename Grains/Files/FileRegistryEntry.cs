namespace OrleansGateway.Files;

/// <summary>One listed file.</summary>
[GenerateSerializer, Alias("gw.FileRegistryEntry")]
public sealed class FileRegistryEntry
{
    [Id(0)] public string FileId { get; set; } = string.Empty;

    [Id(1)] public string Purpose { get; set; } = string.Empty;

    /// <summary>The virtual key that owns the file; null: an admin key.</summary>
    [Id(2)] public string? KeyId { get; set; }
}
