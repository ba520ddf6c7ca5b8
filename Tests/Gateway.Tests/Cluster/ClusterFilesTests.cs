using System.ClientModel;
using OpenAI;
using OpenAI.Files;

namespace OrleansGateway.Tests.Cluster;

/// <summary><c>/v1/files</c> in cluster mode: metadata in grain storage (Azure Tables), bytes in Azure Blob Storage (Azurite), across kill -9 of every silo.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterFilesTests(ClusterFixture cluster) : ClusterTest(cluster)
{
    public override Task DisposeAsync() => Cluster.EnsureHealthyAsync();

    [Fact]
    public async Task UploadedFile_KillNineOfEverySilo_ReadableFromTheOtherFrontend()
    {
        var content = string.Concat(Enumerable.Range(0, 200).Select(i =>
            $"{{\"custom_id\":\"r{i}\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{{\"model\":\"fake/fake-model\",\"messages\":[{{\"role\":\"user\",\"content\":\"{new string('x', 200)}\"}}]}}}}\n"));
        OpenAIFile uploaded = await Files(Cluster.Frontends[0]).UploadFileAsync(new MemoryStream(Encoding.UTF8.GetBytes(content)), "input.jsonl", FileUploadPurpose.Batch);

        await Cluster.KillAndRestartEverySiloAsync();

        var other = Files(Cluster.Frontends[1]);
        OpenAIFile read = await other.GetFileAsync(uploaded.Id);
        Assert.Equal(uploaded.SizeInBytes, read.SizeInBytes);
        Assert.Equal("input.jsonl", read.Filename);
        OpenAIFileCollection listed = await other.GetFilesAsync(FilePurpose.Batch);
        Assert.Contains(listed, f => f.Id == uploaded.Id);
        BinaryData downloaded = await other.DownloadFileAsync(uploaded.Id);
        Assert.Equal(content, downloaded.ToString());

        Assert.True((await other.DeleteFileAsync(uploaded.Id)).Value.Deleted);
        var gone = await Assert.ThrowsAsync<ClientResultException>(() => Files(Cluster.Frontends[0]).DownloadFileAsync(uploaded.Id));
        Assert.Equal(404, gone.Status);
    }

    private static OpenAIFileClient Files(HostProcess frontend) =>
        new OpenAIClient(new ApiKeyCredential(ClusterFixture.SecretToken), new OpenAIClientOptions { Endpoint = new Uri(frontend.BaseUrl + "/v1") }).GetOpenAIFileClient();
}
