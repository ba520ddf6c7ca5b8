#pragma warning disable OPENAI001 // The Batch API client is marked experimental by the OpenAI package.
using System.ClientModel;
using Orleans.Configuration;

namespace OrleansGateway.Tests.Batches;

/// <summary>
/// <c>/v1/batches</c> jobs far larger than one Orleans message (here <c>MaxMessageBodySize</c> 8 MiB): the input file is
/// checked in a streamed pass and its tasks go to the task grains in pieces, so a file of 2,000 lines of 30 KB prompts
/// (about 60 MB, seven messages' worth) completes, through the official <c>OpenAIFileClient</c>/<c>BatchClient</c>;
/// only a single line whose request is larger than one message is refused, with a 413 naming the limit.
/// </summary>
public sealed class OpenAiBatchesSizeTests : IAsyncLifetime
{
    private const int MessageLimit = 8 * 1024 * 1024;
    private OpenAiBatchesFixture _gateway = null!;

    public async Task InitializeAsync() => _gateway = await OpenAiBatchesFixture.StartAsync(
        new Dictionary<string, string?> { ["Gateway:Providers:fake:MaxConcurrency"] = "32" },
        request => FakeReply.Text("ok " + request.LastUserMessage.Length),
        services =>
        {
            services.Configure<SiloMessagingOptions>(options => options.MaxMessageBodySize = MessageLimit);
            services.Configure<ClientMessagingOptions>(options => options.MaxMessageBodySize = MessageLimit);
        });

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Create_ThousandsOf30KbLinesOverSeveralMessages_CompletesEveryLineOnce()
    {
        const int lines = 2_000;
        var prompt = new string('p', 30 * 1024);
        var fileId = await _gateway.UploadAsync(Enumerable.Range(0, lines).Select(i => OpenAiBatchesFixture.ChatLine($"big-{i}", $"{i} {prompt}")));
        var file = OpenAiBatchesFixture.Parse((await _gateway.Files.GetFileAsync(fileId)).GetRawResponse().Content);
        Assert.True(file.GetProperty("bytes").GetInt64() > 7L * MessageLimit, $"the input file must be several messages large: {file}");

        var batch = await _gateway.CreateAndCompleteAsync(fileId, lines, TimeSpan.FromMinutes(3));
        var output = await _gateway.DownloadLinesAsync(batch.GetProperty("output_file_id").GetString()!);
        Assert.Equal(Enumerable.Range(0, lines).Select(i => $"big-{i}").Order(StringComparer.Ordinal), output.Select(l => l.GetProperty("custom_id").GetString()).Order(StringComparer.Ordinal));
        var first = output.Single(l => l.GetProperty("custom_id").GetString() == "big-0");
        Assert.Equal($"ok {prompt.Length + 2}", first.GetProperty("response").GetProperty("body").GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.Equal(lines, _gateway.Provider.TotalCount);
    }

    [Fact]
    public async Task Create_LineLargerThanOneMessage_Returns413NamingTheLimitAndRecordsNothing()
    {
        var fileId = await _gateway.UploadAsync([OpenAiBatchesFixture.ChatLine("small", "hi"), OpenAiBatchesFixture.ChatLine("huge", new string('h', MessageLimit + 1024))]);

        var exception = await Assert.ThrowsAsync<ClientResultException>(() => _gateway.CreateAsync(fileId));

        Assert.Equal(413, exception.Status);
        var error = OpenAiBatchesFixture.Parse(exception.GetRawResponse()!.Content).GetProperty("error");
        Assert.Equal("request_too_large", error.GetProperty("code").GetString());
        var message = error.GetProperty("message").GetString()!;
        Assert.Contains("line 2", message, StringComparison.Ordinal);
        Assert.Contains("MaxMessageBodySize", message, StringComparison.Ordinal);
        Assert.Contains($"limit of {MessageLimit - 64 * 1024} bytes", message, StringComparison.Ordinal);
        using var list = await _gateway.Http.GetAsync("/v1/batches");
        var batches = JsonDocument.Parse(await list.Content.ReadAsStringAsync()).RootElement;
        Assert.DoesNotContain(batches.GetProperty("data").EnumerateArray(), b => b.GetProperty("input_file_id").GetString() == fileId);
        Assert.Equal(0, _gateway.Provider.TotalCount);
    }
}
