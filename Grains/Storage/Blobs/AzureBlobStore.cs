using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace OrleansGateway.Storage;

/// <summary>
/// Blobs in one Azure Blob Storage container (cluster mode; Azurite in the tests). Uploads stream in
/// blocks and commit at the end, so a reader sees the old or the new blob, never a part. The container
/// is created on first use.
/// </summary>
public sealed class AzureBlobStore(BlobContainerClient container) : IBlobStore
{
    private readonly Lazy<Task> _created = new(() => container.CreateIfNotExistsAsync());

    /// <summary>The container's address (for logs and the start-up check).</summary>
    public Uri Uri => container.Uri;

    public async Task<long> WriteAsync(string name, Stream content, CancellationToken cancellationToken = default)
    {
        await _created.Value.WaitAsync(cancellationToken);
        var blob = container.GetBlobClient(BlobNames.Check(name));
        using var counting = new CountingReadStream(content);
        await blob.UploadAsync(counting, new BlobUploadOptions(), cancellationToken);
        return counting.BytesRead;
    }

    public async Task<Stream?> OpenReadAsync(string name, CancellationToken cancellationToken = default)
    {
        await _created.Value.WaitAsync(cancellationToken);
        try
        {
            var download = await container.GetBlobClient(BlobNames.Check(name)).DownloadStreamingAsync(cancellationToken: cancellationToken);
            return download.Value.Content;
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            return null;
        }
    }

    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        await _created.Value.WaitAsync(cancellationToken);
        var deleted = await container.GetBlobClient(BlobNames.Check(name)).DeleteIfExistsAsync(cancellationToken: cancellationToken);
        return deleted.Value;
    }
}
