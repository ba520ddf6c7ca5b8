namespace OrleansGateway.Storage;

/// <summary>What backs the gateway's <see cref="IBlobStore"/>; chosen at start by <c>BlobStoreServiceCollectionExtensions.ChooseBlobStore</c> (Hosting).</summary>
public enum BlobStoreKind
{
    /// <summary>This process's memory (embedded mode's default).</summary>
    Memory,

    /// <summary>Files under <c>Gateway:Blobs:Directory</c>.</summary>
    Directory,

    /// <summary>Azure Blob Storage (cluster mode with a storage connection string).</summary>
    AzureBlobs,

    /// <summary>Grain storage (a cluster without blob storage configured).</summary>
    Grains,
}
