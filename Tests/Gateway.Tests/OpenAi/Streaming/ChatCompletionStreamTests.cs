using System.ClientModel;
using OpenAI;
using OpenAI.Chat;
using OrleansGateway.Tests.Streaming;

namespace OrleansGateway.Tests.OpenAi.Streaming;

public sealed class ChatCompletionStreamTests(KestrelGatewayFixture fixture) : KestrelGatewayTest(fixture, s_settings)
{
    /// <summary>Quick retries, a half-second keep-alive and a second model for fallbacks.</summary>
    private static readonly Dictionary<string, string?> s_settings = new()
    {
        ["Gateway:Streaming:KeepAliveSeconds"] = "0.5",
        ["Gateway:Providers:fake:Models:1"] = "backup-model",
    };

    private static object Request(bool includeUsage, string model = "fake/fake-model", string[]? fallbacks = null) => new
    {
        model,
        messages = new[] { new { role = "user", content = "Say hello." } },
        stream = true,
        stream_options = new { include_usage = includeUsage },
        fallbacks = fallbacks ?? [],
    };

    private async Task<List<SseItem>> StreamAsync(object body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var client = Fixture.CreateClient();
        using var response = await KestrelGatewayFixture.PostStreamingAsync(client, "/v1/chat/completions", body);
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        using var reader = new SseReader(await response.Content.ReadAsStreamAsync());
        return (await reader.ReadAllAsync()).Where(i => !i.IsComment).ToList();
    }

    [Fact]
    public async Task ChatCompletionsStream_IncludeUsage_SendsRoleContentFinishUsageThenDone()
    {
        Fixture.Provider.Behavior = _ => new FakeReply { Content = "Hello there", Chunks = ["Hello", " there"] };
        Fixture.Provider.ResetCounters();
        var items = await StreamAsync(Request(includeUsage: true));

        Assert.True(items.Count == 6, $"Expected role, 2 content, finish, usage and [DONE]; got {items.Count}: {string.Join(" | ", items.Select(i => i.Data))}");
        Assert.Equal("[DONE]", items[^1].Data);
        var chunks = items.Take(5).Select(i => i.Json()).ToList();
        var id = chunks[0].GetProperty("id").GetString();
        Assert.False(string.IsNullOrEmpty(id), "Chunks need an id.");
        foreach (var chunk in chunks)
        {
            Assert.Equal("chat.completion.chunk", chunk.GetProperty("object").GetString());
            Assert.Equal(id, chunk.GetProperty("id").GetString());
            Assert.Equal("fake/fake-model", chunk.GetProperty("model").GetString());
            Assert.True(chunk.GetProperty("created").GetInt64() > 0, "created must be a Unix timestamp.");
        }

        var role = chunks[0].GetProperty("choices")[0];
        Assert.Equal("assistant", role.GetProperty("delta").GetProperty("role").GetString());
        Assert.Equal(JsonValueKind.Null, role.GetProperty("finish_reason").ValueKind);
        Assert.Equal("Hello", chunks[1].GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString());
        Assert.Equal(" there", chunks[2].GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString());
        var finish = chunks[3].GetProperty("choices")[0];
        Assert.Equal("stop", finish.GetProperty("finish_reason").GetString());
        Assert.Empty(finish.GetProperty("delta").EnumerateObject());

        Assert.Equal(0, chunks[4].GetProperty("choices").GetArrayLength());
        var usage = chunks[4].GetProperty("usage");
        // The fake counts words: "Say hello." (2) + 3 prompt tokens, "Hello there" = 2 completion tokens.
        Assert.Equal(5, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(2, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(7, usage.GetProperty("total_tokens").GetInt32());

        var sent = Assert.Single(Fixture.Provider.Requests);
        Assert.True(sent.Stream && sent.IncludeUsage, $"The gateway must ask the provider for a stream with usage: {sent.Body}");
    }

    [Fact]
    public async Task ChatCompletionsStream_WithoutIncludeUsage_SendsNoUsageChunk()
    {
        Fixture.Provider.Behavior = _ => new FakeReply { Content = "Hi", Chunks = ["Hi"] };
        var items = await StreamAsync(Request(includeUsage: false));

        Assert.True(items.Count == 4, $"Expected role, content, finish and [DONE]; got: {string.Join(" | ", items.Select(i => i.Data))}");
        Assert.Equal("[DONE]", items[^1].Data);
        Assert.All(items.SkipLast(1), i => Assert.False(i.Json().TryGetProperty("usage", out _), $"No usage expected: {i.Data}"));
    }

    [Fact]
    public async Task ChatCompletionsStream_ProviderRejectsBeforeFirstByte_AnswersOpenAiErrorWithStatus()
    {
        Fixture.Provider.Behavior = _ => FakeReply.Error(400, "bad prompt");
        using var client = Fixture.CreateClient();
        using var response = await KestrelGatewayFixture.PostStreamingAsync(client, "/v1/chat/completions", Request(includeUsage: true));

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        await ErrorAssert.OpenAiErrorAsync(response, HttpStatusCode.BadRequest, "bad prompt", "invalid_request_error");
    }

    [Fact]
    public async Task ChatCompletionsStream_ProviderBreaksAfterFirstByte_SendsErrorEventWithoutDone()
    {
        Fixture.Provider.Behavior = _ => new FakeReply { Content = "a b c", Chunks = ["a ", "b ", "c"], AbortAfterChunks = 2, ChunkDelay = TimeSpan.FromMilliseconds(200) };
        var items = await StreamAsync(Request(includeUsage: true));

        Assert.DoesNotContain(items, i => i.Data == "[DONE]");
        var error = items[^1].Json();
        Assert.True(error.TryGetProperty("error", out var body), $"The last event must be an error object: {items[^1].Data}");
        Assert.Equal("api_error", body.GetProperty("type").GetString());
        Assert.Equal("provider_error", body.GetProperty("code").GetString());
        Assert.Contains("Provider 'fake'", body.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("assistant", items[0].Json().GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        Assert.Equal("a ", items[1].Json().GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString());
        Assert.DoesNotContain(items.SkipLast(1), i => i.Json().GetProperty("choices").EnumerateArray().Any(c => c.GetProperty("finish_reason").ValueKind != JsonValueKind.Null));
    }

    [Fact]
    public async Task ChatCompletionsStream_PrimaryFailsBeforeFirstByte_FallsBackAndReportsFallbackModel()
    {
        Fixture.Provider.Behavior = request => request.Model == "fake-model" ? FakeReply.Error(503, "overloaded") : FakeReply.Text("from backup");
        Fixture.Provider.ResetCounters();
        var items = await StreamAsync(Request(includeUsage: false, fallbacks: ["fake/backup-model"]));

        Assert.Equal("[DONE]", items[^1].Data);
        var chunks = items.SkipLast(1).Select(i => i.Json()).ToList();
        Assert.All(chunks, c => Assert.Equal("fake/backup-model", c.GetProperty("model").GetString()));
        var text = string.Concat(chunks.Select(c => c.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("content", out var t) ? t.GetString() : string.Empty));
        Assert.Equal("from backup", text);
        // MaxRetries is 2: three attempts at the primary, then the fallback.
        Assert.Equal(["fake-model", "fake-model", "fake-model", "backup-model"], Fixture.Provider.Requests.Select(r => r.Model).ToArray());
    }

    [Fact]
    public async Task ChatCompletionsStream_RetryableFailureBeforeFirstByte_RetriesAndStreams()
    {
        var calls = 0;
        Fixture.Provider.Behavior = _ => Interlocked.Increment(ref calls) == 1 ? FakeReply.Error(503, "try again") : FakeReply.Text("second time lucky");
        var items = await StreamAsync(Request(includeUsage: false));

        Assert.Equal(2, Volatile.Read(ref calls));
        Assert.Equal("[DONE]", items[^1].Data);
        var text = string.Concat(items.SkipLast(1).Select(i => i.Json().GetProperty("choices")[0].GetProperty("delta").TryGetProperty("content", out var t) ? t.GetString() : string.Empty));
        Assert.Equal("second time lucky", text);
    }

    [Fact]
    public async Task ChatCompletionsStream_WhileStreaming_HoldsOneProviderSlotAndReleasesItAtTheEnd()
    {
        Fixture.Provider.Behavior = _ => new FakeReply { Content = "x y z", Chunks = ["x ", "y ", "z"], ChunkDelay = TimeSpan.FromMilliseconds(150) };
        using var client = Fixture.CreateClient();
        using var response = await KestrelGatewayFixture.PostStreamingAsync(client, "/v1/chat/completions", Request(includeUsage: false));
        using var reader = new SseReader(await response.Content.ReadAsStreamAsync());
        var role = await reader.ReadEventAsync();
        Assert.NotNull(role);

        Assert.Equal(1, (await Fixture.ProviderStatusAsync()).InFlight);
        var rest = (await reader.ReadAllAsync()).Where(i => !i.IsComment).ToList();
        Assert.Equal("[DONE]", rest[^1].Data);
        Assert.Equal(0, await Fixture.WaitForNoSlotInUseAsync(TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task OpenAIClient_CompleteChatStreamingAsync_ReadsTextFinishReasonAndUsage()
    {
        Fixture.Provider.Behavior = _ => new FakeReply { Content = "Paris is the capital.", Chunks = ["Paris", " is", " the", " capital."] };
        var client = new ChatClient("fake/fake-model", new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(Fixture.BaseAddress, "v1") });

        var text = new System.Text.StringBuilder();
        var updates = 0;
        ChatFinishReason? finishReason = null;
        ChatTokenUsage? usage = null;
        string? model = null;
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("What is the capital of France?")]))
        {
            updates++;
            model ??= update.Model;
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            finishReason ??= update.FinishReason;
            usage ??= update.Usage;
        }

        Assert.Equal("Paris is the capital.", text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finishReason);
        Assert.Equal("fake/fake-model", model);
        Assert.True(updates >= 6, $"Expected role, 4 content, finish and usage updates; got {updates}.");
        Assert.NotNull(usage);
        // "What is the capital of France?" is 6 words + 3; the answer is 4 words.
        Assert.Equal(9, usage.InputTokenCount);
        Assert.Equal(4, usage.OutputTokenCount);
        Assert.Equal(13, usage.TotalTokenCount);
    }
    [Fact]
    public async Task ChatCompletionsStream_EmptyCompletion_SendsRoleFinishUsageThenDone()
    {
        Fixture.Provider.Behavior = _ => new FakeReply { Content = string.Empty, Chunks = [] };
        var items = await StreamAsync(Request(includeUsage: true));

        Assert.True(items.Count == 4, $"Expected role, finish, usage and [DONE]; got: {string.Join(" | ", items.Select(i => i.Data))}");
        Assert.Equal("assistant", items[0].Json().GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        Assert.Equal("stop", items[1].Json().GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(0, items[2].Json().GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal("[DONE]", items[3].Data);
    }
}
