using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using OrleansGateway.Tests.Cluster;

namespace OrleansGateway.Tests.Storage;

/// <summary>The blob store backends that need no cluster, and the rule that picks one.</summary>
public sealed class BlobStoreTests
{
    [Fact]
    public Task InMemory_FollowsTheContract() => BlobStoreContract.RunAsync(new InMemoryBlobStore(), "batch/job-1");

    [Fact]
    public async Task Directory_FollowsTheContractAndLeavesNoTemporaryFiles()
    {
        var root = Path.Combine(Path.GetTempPath(), "gateway-blobs-" + Guid.NewGuid().ToString("N"));
        try
        {
            await BlobStoreContract.RunAsync(new DirectoryBlobStore(root), "batch/job-1");
            Assert.Empty(Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task AzureBlobs_AgainstAzurite_FollowsTheContract()
    {
        var container = new BlobContainerClient(ClusterServices.Blobs, "test-" + Guid.NewGuid().ToString("N"));
        try
        {
            await BlobStoreContract.RunAsync(new AzureBlobStore(container), "batch/job-1");
        }
        finally
        {
            await container.DeleteIfExistsAsync();
        }
    }

    [Theory]
    [InlineData("batch/job-1/results/0", true)]
    [InlineData("files/file-abc.jsonl", true)]
    [InlineData("", false)]
    [InlineData("/batch", false)]
    [InlineData("batch//x", false)]
    [InlineData("batch/../x", false)]
    [InlineData("batch/./x", false)]
    [InlineData("batch\\x", false)]
    [InlineData("batch/x y", false)]
    public void IsValid_Name_FollowsTheRule(string name, bool valid) => Assert.Equal(valid, BlobNames.IsValid(name));

    [Fact]
    public async Task Directory_NameThatEscapesTheRoot_IsRefused()
    {
        var store = new DirectoryBlobStore(Path.Combine(Path.GetTempPath(), "gateway-blobs-" + Guid.NewGuid().ToString("N")));
        await Assert.ThrowsAsync<ArgumentException>(() => store.WriteBytesAsync("../outside", "x"u8.ToArray()));
    }

    [Theory]
    [InlineData("DefaultEndpointsProtocol=http;AccountName=a;AccountKey=k;TableEndpoint=http://127.0.0.1:1/a;", false)]
    [InlineData("DefaultEndpointsProtocol=http;AccountName=a;AccountKey=k;TableEndpoint=http://127.0.0.1:1/a;BlobEndpoint=http://127.0.0.1:2/a;", true)]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=a;AccountKey=k;EndpointSuffix=core.windows.net", true)]
    [InlineData("UseDevelopmentStorage=true", true)]
    public void ServesBlobs_ConnectionString_Decides(string connectionString, bool serves) =>
        Assert.Equal(serves, BlobStoreServiceCollectionExtensions.ServesBlobs(connectionString));

    [Theory]
    [InlineData(null, null, null, null, BlobStoreKind.Memory)]
    [InlineData(null, null, null, "/tmp/blobs", BlobStoreKind.Directory)]
    [InlineData("127.0.0.1:6379", null, null, null, BlobStoreKind.Grains)]
    [InlineData("127.0.0.1:6379", "AccountName=a;AccountKey=k;TableEndpoint=http://127.0.0.1:1/a;", null, null, BlobStoreKind.Grains)]
    [InlineData("127.0.0.1:6379", "AccountName=a;AccountKey=k;TableEndpoint=http://127.0.0.1:1/a;BlobEndpoint=http://127.0.0.1:2/a;", null, null, BlobStoreKind.AzureBlobs)]
    [InlineData(null, null, "UseDevelopmentStorage=true", "/tmp/blobs", BlobStoreKind.AzureBlobs)]
    public void ChooseBlobStore_Settings_PickTheBackend(string? redis, string? tables, string? blobs, string? directory, BlobStoreKind expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = redis,
            ["ConnectionStrings:tables"] = tables,
            ["ConnectionStrings:blobs"] = blobs,
            ["Gateway:Blobs:Directory"] = directory,
        }).Build();
        var options = configuration.GetSection(BlobStoreOptions.SectionName).Get<BlobStoreOptions>() ?? new BlobStoreOptions();
        Assert.Equal(expected, BlobStoreServiceCollectionExtensions.ChooseBlobStore(configuration, options).Kind);
    }
}
