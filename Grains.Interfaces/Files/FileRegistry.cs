namespace OrleansGateway.Files;

/// <summary>Where the file list lives.</summary>
public static class FileRegistry
{
    /// <summary>The key of the one <see cref="IFileRegistryGrain"/>.</summary>
    public const string Key = "files";
}
