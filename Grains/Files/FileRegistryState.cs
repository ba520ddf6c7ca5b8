namespace OrleansGateway.Files;

/// <summary>The files a <see cref="FileRegistryGrain"/> lists, oldest first.</summary>
[GenerateSerializer, Alias("gw.FileRegistryState")]
public sealed class FileRegistryState
{
    [Id(0)] public List<FileRegistryEntry> Files { get; set; } = [];
}
