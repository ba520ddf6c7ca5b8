using OrleansGateway.Tests.Batch;

namespace OrleansGateway.Tests.Batches;

/// <summary>
/// A <c>POST /v1/batches</c> that fails midway through storing its lines (here the blob store refuses the inputs of the
/// fourth task group of eight) answers an error in OpenAI's shape, records no batch and leaves none of the task groups
/// it had written behind: their grain state and blobs are discarded before it answers. The same for <c>POST /v1/batch/generate</c>.
/// </summary>
public sealed class OpenAiBatchesSubmitFailureTests : IAsyncLifetime
{
    private const int Lines = 30;
    private readonly FailingBlobStore _blobs = new();
    private OpenAiBatchesFixture _gateway = null!;

    public async Task InitializeAsync() => _gateway = await OpenAiBatchesFixture.StartAsync(
        new Dictionary<string, string?> { ["Gateway:Batch:TasksPerGrain"] = "4" },
        configureServices: services => services.AddSingleton<IBlobStore>(_blobs));

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Create_StoringFailsAtTheFourthGroup_ErrorNoBatchAndNoGroupLeftBehind()
    {
        var fileId = await _gateway.UploadAsync(Enumerable.Range(0, Lines).Select(i => OpenAiBatchesFixture.ChatLine($"f{i}", $"line {i}")));
        _blobs.FailWhen = name => name.StartsWith("batch/", StringComparison.Ordinal) && name.EndsWith("/3/tasks", StringComparison.Ordinal);

        using var response = await _gateway.Http.PostAsync("/v1/batches", Json(new { input_file_id = fileId, endpoint = "/v1/chat/completions", completion_window = "24h" }));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode} {body}");
        Assert.Contains("nothing was started", JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("message").GetString());
        Assert.True(_blobs.FailedWrites > 0, "The blob store was never asked for the failing group's inputs.");
        AssertNoGroupBlobs();
        using var list = JsonDocument.Parse(await _gateway.Http.GetStringAsync("/v1/batches"));
        Assert.Empty(list.RootElement.GetProperty("data").EnumerateArray());
        Assert.Equal(0, _gateway.Provider.TotalCount);
    }

    [Fact]
    public async Task BatchGenerate_StoringFailsAtTheFourthGroup_ErrorAndNoGroupLeftBehind()
    {
        _blobs.FailWhen = name => name.StartsWith("batch/", StringComparison.Ordinal) && name.EndsWith("/3/tasks", StringComparison.Ordinal);
        // Prompts of 80 KB: a group of 4 is larger than Gateway:Batch:MaxInlineInputBytes, so its inputs go to a blob.
        var tasks = Enumerable.Range(0, Lines).Select(i => new { id = $"g{i}", prompt = $"line {i} " + new string('x', 80 * 1024) });

        using var response = await _gateway.Http.PostAsync("/v1/batch/generate", Json(new { model = "fake/fake-model", tasks }));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode} {body}");
        Assert.True(_blobs.FailedWrites > 0, "The blob store was never asked for the failing group's inputs.");
        AssertNoGroupBlobs();
        Assert.Equal(0, _gateway.Provider.TotalCount);
    }

    private void AssertNoGroupBlobs()
    {
        var left = _blobs.Names.Where(n => n.StartsWith("batch/", StringComparison.Ordinal)).ToList();
        Assert.True(left.Count == 0, $"Task group blobs left behind by the failed submission: {string.Join(", ", left)}");
    }

    private static StringContent Json(object value) => new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");
}
