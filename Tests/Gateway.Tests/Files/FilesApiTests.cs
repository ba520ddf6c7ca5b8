using System.ClientModel;
using OpenAI;
using OpenAI.Files;

namespace OrleansGateway.Tests.Files;

/// <summary><c>/v1/files</c> through the official OpenAI .NET <see cref="OpenAIFileClient"/> and raw multipart, on real Kestrel.</summary>
public sealed class FilesApiTests : IAsyncLifetime
{
    private const string TwoLines =
        "{\"custom_id\":\"a\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"fake/fake-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}}\n" +
        "{\"custom_id\":\"b\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"fake/fake-model\",\"messages\":[{\"role\":\"user\",\"content\":\"yo\"}]}}\n";

    private FakeProviderServer _provider = null!;
    private GatewayApplication _app = null!;
    private OpenAIFileClient _files = null!;
    private Uri _address = null!;

    public async Task InitializeAsync()
    {
        _provider = await FakeProviderServer.StartAsync();
        _app = new GatewayApplication(_provider, new Dictionary<string, string?>
        {
            ["SECRET_TOKEN"] = "gateway-secret",
            ["Gateway:Files:MaxUploadBytes"] = "4096",
            ["Gateway:Files:MaxBatchInputLines"] = "3",
        });
        _address = _app.StartKestrel();
        _files = new OpenAIClient(new ApiKeyCredential("gateway-secret"), new OpenAIClientOptions { Endpoint = new Uri(_address, "/v1") }).GetOpenAIFileClient();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _provider.DisposeAsync();
    }

    [Fact]
    public async Task Upload_OfficialClient_ReadsBackListsDownloadsAndDeletes()
    {
        OpenAIFile uploaded = await _files.UploadFileAsync(new MemoryStream(Encoding.UTF8.GetBytes(TwoLines)), "input.jsonl", FileUploadPurpose.Batch);
        Assert.StartsWith("file-", uploaded.Id);
        Assert.Equal("input.jsonl", uploaded.Filename);
        Assert.Equal(Encoding.UTF8.GetByteCount(TwoLines), uploaded.SizeInBytes);
        Assert.Equal(FilePurpose.Batch, uploaded.Purpose);

        ClientResult<OpenAIFile> readResult = await _files.GetFileAsync(uploaded.Id);
        OpenAIFile read = readResult.Value;
        Assert.Equal(uploaded.Id, read.Id);
        Assert.Equal(uploaded.SizeInBytes, read.SizeInBytes);
        using (var raw = System.Text.Json.JsonDocument.Parse(readResult.GetRawResponse().Content.ToMemory()))
        {
            var file = raw.RootElement;
            Assert.Equal("file", file.GetProperty("object").GetString());
            Assert.Equal(System.Text.Json.JsonValueKind.Number, file.GetProperty("created_at").ValueKind);
            Assert.False(string.IsNullOrEmpty(file.GetProperty("status").GetString()), $"status is required: {file}");
            Assert.True(file.TryGetProperty("expires_at", out _), $"The file object lacks OpenAI's 'expires_at': {file}");
        }

        OpenAIFileCollection listed = await _files.GetFilesAsync(FilePurpose.Batch);
        Assert.Contains(listed, f => f.Id == uploaded.Id);

        BinaryData content = await _files.DownloadFileAsync(uploaded.Id);
        Assert.Equal(TwoLines, content.ToString());

        FileDeletionResult deleted = await _files.DeleteFileAsync(uploaded.Id);
        Assert.True(deleted.Deleted);
        Assert.Equal(uploaded.Id, deleted.FileId);
        var gone = await Assert.ThrowsAsync<ClientResultException>(() => _files.GetFileAsync(uploaded.Id));
        Assert.Equal(404, gone.Status);
        var noContent = await Assert.ThrowsAsync<ClientResultException>(() => _files.DownloadFileAsync(uploaded.Id));
        Assert.Equal(404, noContent.Status);
    }

    [Fact]
    public async Task List_NewestFirstInPages_AfterAndOrder()
    {
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            OpenAIFile file = await _files.UploadFileAsync(new MemoryStream(Encoding.UTF8.GetBytes(TwoLines)), $"f{i}.jsonl", FileUploadPurpose.Batch);
            ids.Add(file.Id);
        }

        using var client = Client();
        var first = await GatewayApplication.ReadJsonAsync(await client.GetAsync("/v1/files?limit=2"));
        Assert.Equal("list", first.GetProperty("object").GetString());
        Assert.Equal([ids[2], ids[1]], first.GetProperty("data").EnumerateArray().Select(f => f.GetProperty("id").GetString()!).ToArray());
        Assert.True(first.GetProperty("has_more").GetBoolean());
        Assert.Equal(ids[1], first.GetProperty("last_id").GetString());

        var second = await GatewayApplication.ReadJsonAsync(await client.GetAsync($"/v1/files?limit=2&after={ids[1]}"));
        Assert.Equal([ids[0]], second.GetProperty("data").EnumerateArray().Select(f => f.GetProperty("id").GetString()!).ToArray());
        Assert.False(second.GetProperty("has_more").GetBoolean());

        var ascending = await GatewayApplication.ReadJsonAsync(await client.GetAsync("/v1/files?order=asc"));
        Assert.Equal(ids, ascending.GetProperty("data").EnumerateArray().Select(f => f.GetProperty("id").GetString()!).ToList());

        var bad = await client.GetAsync("/v1/files?order=sideways");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("invalid_request_error", (await GatewayApplication.ReadJsonAsync(bad)).GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Upload_LargerThanLimit_Is413NamingTheSetting()
    {
        var exception = await Assert.ThrowsAsync<ClientResultException>(() =>
            _files.UploadFileAsync(new MemoryStream(new byte[5000]), "big.jsonl", FileUploadPurpose.Batch));
        Assert.Equal(413, exception.Status);
        Assert.Contains("Gateway:Files:MaxUploadBytes", exception.Message);
        OpenAIFileCollection listed = await _files.GetFilesAsync();
        Assert.Empty(listed);
    }

    [Fact]
    public async Task Upload_MoreLinesThanLimit_Is400NamingTheSetting()
    {
        var exception = await Assert.ThrowsAsync<ClientResultException>(() =>
            _files.UploadFileAsync(new MemoryStream(Encoding.UTF8.GetBytes(TwoLines + TwoLines)), "many.jsonl", FileUploadPurpose.Batch));
        Assert.Equal(400, exception.Status);
        Assert.Contains("Gateway:Files:MaxBatchInputLines", exception.Message);
        Assert.Contains("4 requests", exception.Message);
    }

    [Fact]
    public async Task Upload_OtherPurpose_Is400()
    {
        var exception = await Assert.ThrowsAsync<ClientResultException>(() =>
            _files.UploadFileAsync(new MemoryStream(Encoding.UTF8.GetBytes("x")), "a.txt", FileUploadPurpose.Assistants));
        Assert.Equal(400, exception.Status);
        Assert.Contains("only 'batch'", exception.Message);
    }

    [Fact]
    public async Task Upload_NotMultipartIs415_WithoutFileIs400()
    {
        using var client = Client();
        var json = await client.PostAsync("/v1/files", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, json.StatusCode);

        using var form = new MultipartFormDataContent { { new StringContent("batch"), "purpose" } };
        var noFile = await client.PostAsync("/v1/files", form);
        Assert.Equal(HttpStatusCode.BadRequest, noFile.StatusCode);
        Assert.Equal("file", (await GatewayApplication.ReadJsonAsync(noFile)).GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task Get_UnknownFile_Is404InOpenAiShape()
    {
        using var client = Client();
        var response = await client.GetAsync("/v1/files/file-nosuch");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("file-nosuch", (await GatewayApplication.ReadJsonAsync(response)).GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync("/v1/files/file-nosuch")).StatusCode);
    }

    private HttpClient Client()
    {
        var client = new HttpClient { BaseAddress = _address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "gateway-secret");
        return client;
    }
}
