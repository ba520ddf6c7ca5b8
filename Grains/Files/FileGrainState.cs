namespace OrleansGateway.Files;

/// <summary>What a <see cref="FileGrain"/> stores: the file's metadata, or null when there is none.</summary>
[GenerateSerializer, Alias("gw.FileGrainState")]
public sealed class FileGrainState
{
    [Id(0)] public FileRecord? File { get; set; }

    [Id(1)] public bool Deleted { get; set; }
}
