#pragma warning disable OPENAI001 // The Batch API client is marked experimental by the OpenAI package.

namespace OrleansGateway.Tests.Batches;

/// <summary>
/// A batch input file at OpenAI's line limit (50,000 requests, the default <c>Gateway:Files:MaxBatchInputLines</c>) with
/// the default Orleans message limit, through the official <c>OpenAIFileClient</c>/<c>BatchClient</c>: created (no 500),
/// completed, every line once in the output file, one provider call per line.
/// </summary>
public sealed class OpenAiBatchesScaleTests : IAsyncLifetime
{
    private const int Lines = 50_000;
    private OpenAiBatchesFixture _gateway = null!;

    public async Task InitializeAsync() => _gateway = await OpenAiBatchesFixture.StartAsync(
        new Dictionary<string, string?> { ["Gateway:Providers:fake:MaxConcurrency"] = "64" },
        request => FakeReply.Text("a" + request.LastUserMessage));

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Create_FiftyThousandShortLines_CompletesEveryLineOnce()
    {
        var fileId = await _gateway.UploadAsync(Enumerable.Range(0, Lines).Select(i => OpenAiBatchesFixture.ChatLine($"s{i}", $"{i}")));

        var batch = await _gateway.CreateAndCompleteAsync(fileId, Lines, TimeSpan.FromMinutes(5));
        var output = await _gateway.DownloadLinesAsync(batch.GetProperty("output_file_id").GetString()!);
        var answers = output.ToDictionary(
            l => l.GetProperty("custom_id").GetString()!,
            l => l.GetProperty("response").GetProperty("body").GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.Equal(Lines, output.Count);
        Assert.All(Enumerable.Range(0, Lines), i => Assert.Equal($"a{i}", answers[$"s{i}"]));
        Assert.Equal(Lines, _gateway.Provider.TotalCount);
    }
}
