#pragma warning disable OPENAI001 // The Batch API client is marked experimental by the OpenAI package.
using System.ClientModel;
using OpenAI;
using OpenAI.Batch;
using OpenAI.Files;

namespace OrleansGateway.Tests.Batches;

/// <summary>
/// The official OpenAI .NET <see cref="OpenAIFileClient"/> and <see cref="BatchClient"/> pointed at one gateway, as a
/// user's program would be, with helpers that upload a JSON Lines file, create a batch and download a file's lines.
/// </summary>
public sealed class OpenAiBatchClients
{
    /// <summary>Clients for the gateway at <paramref name="address"/> (its root: the clients add <c>/v1</c>), authorized with <paramref name="key"/>.</summary>
    public OpenAiBatchClients(Uri address, string key)
    {
        var client = new OpenAIClient(new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(address, "/v1") });
        Files = client.GetOpenAIFileClient();
        Batches = client.GetBatchClient();
    }

    public OpenAIFileClient Files { get; }

    public BatchClient Batches { get; }

    /// <summary>Uploads <paramref name="lines"/> (one request a line) as <paramref name="fileName"/> with purpose <c>batch</c>; its file id.</summary>
    public async Task<string> UploadAsync(IEnumerable<string> lines, string fileName = "input.jsonl")
    {
        using var content = new MemoryStream();
        foreach (var line in lines)
        {
            content.Write(Encoding.UTF8.GetBytes(line));
            content.WriteByte((byte)'\n');
        }

        content.Position = 0;
        OpenAIFile file = await Files.UploadFileAsync(content, fileName, FileUploadPurpose.Batch);
        return file.Id;
    }

    /// <summary>Creates a batch through <see cref="BatchClient"/>; the operation and the batch object it answered.</summary>
    public async Task<(CreateBatchOperation Operation, JsonElement Batch)> CreateAsync(string fileId, string endpoint = "/v1/chat/completions", object? metadata = null)
    {
        var request = BinaryContent.Create(BinaryData.FromObjectAsJson(new { input_file_id = fileId, endpoint, completion_window = "24h", metadata }));
        var operation = await Batches.CreateBatchAsync(request, waitUntilCompleted: false);
        return (operation, OpenAiBatchesFixture.Parse(operation.GetRawResponse().Content));
    }

    /// <summary>A batch file downloaded through <see cref="OpenAIFileClient"/>, one JSON document per line.</summary>
    public async Task<List<JsonElement>> DownloadLinesAsync(string fileId)
    {
        BinaryData content = await Files.DownloadFileAsync(fileId);
        return [.. content.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone())];
    }
}
