using OrleansGateway.Frontend.Chat;
using OrleansGateway.Streaming;
using OrleansGateway.Tests.Streaming;

namespace OrleansGateway.Tests.Chat;

/// <summary>
/// The same requests through both ways an embedded gateway can run chat: in the frontend's process
/// (the default) and through the chat grains. Each way answers completions and streams alike, holds
/// the provider's limit through its <c>ProviderGrain</c>, and lets a leaving client cancel the
/// provider request and free its slot; the grain statistics show which way ran.
/// </summary>
public abstract class ChatExecutionPathTests(KestrelGatewayFixture fixture) : IClassFixture<KestrelGatewayFixture>, IAsyncLifetime
{
    private readonly KestrelGatewayFixture _fixture = fixture;

    /// <summary>The gateway's settings (one dictionary per class).</summary>
    protected abstract IReadOnlyDictionary<string, string?> Settings { get; }

    public async Task InitializeAsync()
    {
        await _fixture.StartAsync(Settings);
        _fixture.Provider.Behavior = FakeProviderServer.DefaultBehavior;
        _fixture.Provider.ResetCounters();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Whether this gateway should run chat in its own process.</summary>
    protected abstract bool ExpectInProcess { get; }

    [Fact]
    public async Task CompletionAndStream_RunTheExpectedWay_AndAnswerAlike()
    {
        using var client = _fixture.CreateClient();
        using var completion = await client.PostAsync("/v1/chat/completions", Json(Body("one", stream: false)));
        var text = await completion.Content.ReadAsStringAsync();
        Assert.True(completion.StatusCode == HttpStatusCode.OK, text);
        using (var document = JsonDocument.Parse(text))
        {
            Assert.Equal("echo: one", document.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        }

        using var stream = await KestrelGatewayFixture.PostStreamingAsync(client, "/v1/chat/completions", Body("two", stream: true));
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        using var reader = new SseReader(await stream.Content.ReadAsStreamAsync());
        var items = await reader.ReadAllAsync();
        Assert.Equal("[DONE]", items[^1].Data);
        Assert.Equal("echo: two", StreamedText(items));

        var dispatcher = _fixture.Gateway.Services.GetRequiredService<ChatDispatcher>();
        Assert.Equal(ExpectInProcess, dispatcher.RunsInProcess);
        var chatActivations = await ActivationsAsync(typeof(ChatGrain));
        var streamActivations = await ActivationsAsync(typeof(ChatStreamGrain));
        if (ExpectInProcess)
        {
            Assert.Equal(0, chatActivations);
            Assert.Equal(0, streamActivations);
        }
        else
        {
            Assert.True(chatActivations > 0, "a completion must have activated a ChatGrain");
            Assert.True(streamActivations > 0, "a stream must have activated a ChatStreamGrain");
        }

        Assert.True(await ActivationsAsync(typeof(OrleansGateway.Providers.ProviderGrain)) > 0, "slots come from the provider's grain either way");
        Assert.Equal(0, await _fixture.WaitForNoSlotInUseAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task ToolsSeveralChoicesAndEmbeddings_PassThroughTheExpectedWay()
    {
        using var client = _fixture.CreateClient();
        const string Body = """
            {"model":"fake/fake-model","messages":[{"role":"user","content":"find it"}],"top_k":3,
             "tools":[{"type":"function","function":{"name":"lookup","parameters":{"type":"object"}}}]}
            """;
        using var completion = await client.PostAsync("/v1/chat/completions", new StringContent(Body, Encoding.UTF8, "application/json"));
        var text = await completion.Content.ReadAsStringAsync();
        Assert.True(completion.StatusCode == HttpStatusCode.OK, text);
        using (var document = JsonDocument.Parse(text))
        {
            var choice = document.RootElement.GetProperty("choices")[0];
            Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
            Assert.Equal("lookup", choice.GetProperty("message").GetProperty("tool_calls")[0].GetProperty("function").GetProperty("name").GetString());
            Assert.Equal("fake/fake-model", document.RootElement.GetProperty("model").GetString());
        }

        using (var sent = _fixture.Provider.Requests.Last().Json())
        {
            Assert.Equal(3, sent.RootElement.GetProperty("top_k").GetInt32());
        }

        using var stream = await KestrelGatewayFixture.PostStreamingAsync(client, "/v1/chat/completions",
            new { model = "fake/fake-model", messages = new[] { new { role = "user", content = "two ways" } }, stream = true, n = 2, stream_options = new { include_usage = true } });
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        using var reader = new SseReader(await stream.Content.ReadAsStreamAsync());
        var items = (await reader.ReadAllAsync()).Where(i => !i.IsComment).ToList();
        Assert.Equal("[DONE]", items[^1].Data);
        var chunks = items.SkipLast(1).Select(i => i.Json()).ToList();
        Assert.All(chunks, c => Assert.Equal("fake/fake-model", c.GetProperty("model").GetString()));
        var byChoice = chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0)
            .GroupBy(c => c.GetProperty("choices")[0].GetProperty("index").GetInt32())
            .ToDictionary(g => g.Key, g => string.Concat(g.Select(c => c.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("content", out var t) ? t.GetString() : "")));
        Assert.Equal("echo: two ways", byChoice[0]);
        Assert.Equal("echo: two ways [2]", byChoice[1]);
        Assert.Equal(2, chunks.Count(c => c.GetProperty("choices").GetArrayLength() > 0 && c.GetProperty("choices")[0].GetProperty("finish_reason").GetString() == "stop"));
        Assert.True(chunks[^1].GetProperty("usage").GetProperty("total_tokens").GetInt32() > 0, "the last chunk before [DONE] carries the usage");

        using var embeddings = await client.PostAsync("/v1/embeddings", new StringContent(
            """{"model":"fake/fake-embed","input":["a","b"],"encoding_format":"float"}""", Encoding.UTF8, "application/json"));
        var embeddingText = await embeddings.Content.ReadAsStringAsync();
        Assert.True(embeddings.StatusCode == HttpStatusCode.OK, embeddingText);
        Assert.Equal(2, JsonDocument.Parse(embeddingText).RootElement.GetProperty("data").GetArrayLength());
        var embeddingActivations = await ActivationsAsync(typeof(OrleansGateway.Embeddings.EmbeddingGrain));
        Assert.Equal(ExpectInProcess, embeddingActivations == 0);
        Assert.Equal(0, await _fixture.WaitForNoSlotInUseAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task ManyAtOnce_NeverMoreThanTheProvidersLimit()
    {
        _fixture.Provider.Behavior = request => FakeReply.Text("echo: " + request.LastUserMessage) with { Delay = TimeSpan.FromMilliseconds(150) };
        using var client = _fixture.CreateClient();
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(async n =>
        {
            using var response = await client.PostAsync("/v1/chat/completions", Json(Body($"n{n}", stream: false)));
            return (n, response.StatusCode, Text: await response.Content.ReadAsStringAsync());
        }));

        foreach (var (n, status, text) in answers)
        {
            Assert.True(status == HttpStatusCode.OK, text);
            Assert.Contains($"echo: n{n}", text, StringComparison.Ordinal);
        }

        Assert.Equal(12, _fixture.Provider.CompletedCount);
        Assert.Equal(3, _fixture.Provider.PeakInFlight);
        Assert.Equal(0, await _fixture.WaitForNoSlotInUseAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task StreamLeftMidway_CancelsTheProviderRequestAndFreesTheSlot()
    {
        _fixture.Provider.Behavior = _ => new FakeReply
        {
            Content = "a b c d e f",
            Chunks = ["a ", "b ", "c ", "d ", "e ", "f"],
            ChunkDelay = TimeSpan.FromMilliseconds(300),
        };
        using var client = _fixture.CreateClient();
        using (var response = await KestrelGatewayFixture.PostStreamingAsync(client, "/v1/chat/completions", Body("leave", stream: true)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var reader = new SseReader(await response.Content.ReadAsStreamAsync());
            Assert.NotNull(await reader.ReadEventAsync());
        }

        await Eventually.UntilAsync(() => _fixture.Provider.CancelledCount == 1, "the provider request is cancelled", TimeSpan.FromSeconds(5));
        Assert.Equal(0, _fixture.Provider.CompletedCount);
        Assert.Equal(0, await _fixture.WaitForNoSlotInUseAsync(TimeSpan.FromSeconds(5)));
    }

    private async Task<int> ActivationsAsync(Type grainType)
    {
        var management = _fixture.Gateway.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        var statistics = await management.GetSimpleGrainStatistics();
        // The type's name as Orleans reports it may carry the assembly after a comma.
        return statistics.Where(s => s.GrainType.Split(',')[0].Trim() == grainType.FullName).Sum(s => s.ActivationCount);
    }

    private static object Body(string text, bool stream) =>
        new { model = "fake/fake-model", messages = new[] { new { role = "user", content = text } }, stream };

    private static StringContent Json(object body) =>
        new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private static string StreamedText(IEnumerable<SseItem> items)
    {
        var text = new StringBuilder();
        foreach (var item in items.Where(i => !i.IsComment && i.Data != "[DONE]"))
        {
            var delta = item.Json().GetProperty("choices")[0].GetProperty("delta");
            if (delta.TryGetProperty("content", out var content))
            {
                text.Append(content.GetString());
            }
        }

        return text.ToString();
    }
}
