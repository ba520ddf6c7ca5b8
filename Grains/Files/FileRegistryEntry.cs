namespace OrleansGateway.Files;

/// <summary>One listed file.</summary>
[GenerateSerializer, Alias("gw.FileRegistryEntry")]
public sealed class FileRegistryEntry
{
    [Id(0)] public string FileId { get; set; } = string.Empty;

    [Id(1)] public string Purpose { get; set; } = string.Empty;
}
