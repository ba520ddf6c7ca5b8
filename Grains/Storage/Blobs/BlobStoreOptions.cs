namespace OrleansGateway.Storage;

/// <summary>Where large bytes go (section <c>Gateway:Blobs</c>); see <c>BlobStoreServiceCollectionExtensions.ChooseBlobStore</c> (Hosting).</summary>
public sealed class BlobStoreOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Gateway:Blobs";

    /// <summary>
    /// An Azure Storage connection string for blobs. Default: <c>ConnectionStrings:blobs</c>, else
    /// <c>ConnectionStrings:tables</c> when that names a whole account or a <c>BlobEndpoint</c>.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>The blob container (default <c>gateway</c>); created on first use.</summary>
    public string Container { get; set; } = "gateway";

    /// <summary>A directory to keep blobs in as files instead (default: none, so memory when embedded).</summary>
    public string? Directory { get; set; }
}
