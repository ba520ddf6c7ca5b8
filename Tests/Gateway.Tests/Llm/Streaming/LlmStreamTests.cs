using Microsoft.ML.Tokenizers;
using OrleansGateway.Tests.Streaming;

namespace OrleansGateway.Tests.Llm.Streaming;

public sealed class LlmStreamTests(KestrelGatewayFixture fixture) : KestrelGatewayTest(fixture, s_settings)
{
    /// <summary>Quick retries, a half-second keep-alive and a second model for fallbacks.</summary>
    private static readonly Dictionary<string, string?> s_settings = new()
    {
        ["Gateway:Streaming:KeepAliveSeconds"] = "0.5",
        ["Gateway:Providers:fake:Models:1"] = "backup-model",
    };

    private static readonly object s_request = new { model = "fake/fake-model", prompt = "Be brief.", user_prompt = "Say hello." };

    [Fact]
    public async Task GenerationStream_ProviderChunks_SendsOneEventPerChunkThenFinalWithWholeTextAndUsage()
    {
        Fixture.Provider.Behavior = _ => new FakeReply { Content = "Hello world!", Chunks = ["Hello", " world", "!"] };
        using var client = Fixture.CreateClient();
        using var response = await KestrelGatewayFixture.PostStreamingAsync(client, "/llm/generation/stream", s_request);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        Assert.Equal("no", Assert.Single(response.Headers.GetValues("X-Accel-Buffering")));

        using var reader = new SseReader(await response.Content.ReadAsStreamAsync());
        var events = (await reader.ReadAllAsync()).Where(i => !i.IsComment).Select(i => i.Json()).ToList();
        Assert.True(events.Count == 4, $"Expected 3 text events and a final one, got {events.Count}: {string.Join(" | ", events)}");
        string[] texts = ["Hello", " world", "!"];
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(texts[i], events[i].GetProperty("text").GetString());
            Assert.False(events[i].GetProperty("is_final").GetBoolean(), $"Event {i} must not be final.");
            Assert.Equal(JsonValueKind.Null, events[i].GetProperty("usage").ValueKind);
        }

        var ids = events.Select(e => e.GetProperty("id").GetString()).ToList();
        Assert.True(ids.Distinct().Count() == 4 && ids.All(id => !string.IsNullOrEmpty(id)), $"Every event needs its own id: {string.Join(", ", ids)}");

        var final = events[3];
        Assert.True(final.GetProperty("is_final").GetBoolean(), "The last event must be final.");
        Assert.Equal("Hello world!", final.GetProperty("text").GetString());
        var usage = final.GetProperty("usage");
        // The fake counts words: "Be brief." (2) + "Say hello." (2) + 3 = 7 prompt tokens, "Hello world!" = 2 completion tokens.
        Assert.Equal(7, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(2, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(9, usage.GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task GenerationStream_PacedProvider_DeliversEachChunkBeforeTheProviderFinishes()
    {
        var pace = TimeSpan.FromMilliseconds(250);
        string[] chunks = ["one ", "two ", "three ", "four ", "five ", "six"];
        Fixture.Provider.Behavior = _ => new FakeReply { Content = string.Concat(chunks), Chunks = chunks, ChunkDelay = pace };
        var completedBefore = Fixture.Provider.CompletedCount;
        using var client = Fixture.CreateClient();
        using var response = await KestrelGatewayFixture.PostStreamingAsync(client, "/llm/generation/stream", s_request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        using var reader = new SseReader(await response.Content.ReadAsStreamAsync());
        var first = await reader.ReadEventAsync();
        Assert.NotNull(first);
        Assert.Equal("one ", first.Json().GetProperty("text").GetString());
        Assert.True(Fixture.Provider.CompletedCount == completedBefore, "The first event must reach the client while the provider is still sending.");

        var rest = (await reader.ReadAllAsync()).Where(i => !i.IsComment).ToList();
        Assert.Equal(6, rest.Count);
        var lastText = rest[4];
        Assert.Equal("six", lastText.Json().GetProperty("text").GetString());
        var spread = lastText.ReceivedAt - first.ReceivedAt;
        Assert.True(spread >= pace * 5 * 0.8, $"Chunks paced {pace.TotalMilliseconds} ms apart must arrive spread out; first to last took {spread.TotalMilliseconds:0} ms.");
    }

    [Fact]
    public async Task GenerationStream_ProviderFailsBeforeFirstToken_AnswersDocumentedErrorNotAStream()
    {
        Fixture.Provider.Behavior = _ => FakeReply.Error(400, "model says no");
        using var client = Fixture.CreateClient();
        using var response = await KestrelGatewayFixture.PostStreamingAsync(client, "/llm/generation/stream", s_request);

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        await ErrorAssert.LlmErrorAsync(response, HttpStatusCode.InternalServerError, "model says no");
    }

    [Fact]
    public async Task GenerationStream_ProviderBreaksAfterFirstChunks_SendsOneErrorEventAndNoFinal()
    {
        // The pause lets "a " reach the gateway before the connection is reset (a reset drops unread data).
        // "b " is sent just before the reset and may be dropped with it.
        Fixture.Provider.Behavior = _ => new FakeReply { Content = "a b c", Chunks = ["a ", "b ", "c"], AbortAfterChunks = 2, ChunkDelay = TimeSpan.FromMilliseconds(200) };
        using var client = Fixture.CreateClient();
        using var response = await KestrelGatewayFixture.PostStreamingAsync(client, "/llm/generation/stream", s_request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        using var reader = new SseReader(await response.Content.ReadAsStreamAsync());
        var events = (await reader.ReadAllAsync()).Where(i => !i.IsComment).Select(i => i.Json()).ToList();
        Assert.True(events.Count is 2 or 3, $"Expected 1 or 2 text events and 1 error event, got: {string.Join(" | ", events)}");
        var text = string.Concat(events.SkipLast(1).Select(e => e.GetProperty("text").GetString()));
        Assert.True(text is "a " or "a b ", $"Expected the text sent before the break, got '{text}'.");
        var error = events[^1];
        Assert.Equal("error", error.GetProperty("status").GetString());
        Assert.Contains("Provider 'fake'", error.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, error.GetProperty("content").ValueKind);
        Assert.Equal(JsonValueKind.Null, error.GetProperty("usage").ValueKind);
        Assert.False(events.Any(e => e.TryGetProperty("is_final", out var f) && f.GetBoolean()), "No final event may follow an error.");
    }

    [Fact]
    public async Task GenerationStream_ProviderSendsNoUsage_EstimatesUsageWithTokenizer()
    {
        const string text = "Tokenizers count subwords, not words.";
        Fixture.Provider.Behavior = _ => new FakeReply { Content = text, IncludeUsage = false };
        using var client = Fixture.CreateClient();
        using var response = await KestrelGatewayFixture.PostStreamingAsync(client, "/llm/generation/stream", s_request);
        using var reader = new SseReader(await response.Content.ReadAsStreamAsync());
        var final = (await reader.ReadAllAsync()).Where(i => !i.IsComment).Last().Json();

        Assert.True(final.GetProperty("is_final").GetBoolean(), $"Expected the final event, got {final}");
        Assert.Equal(text, final.GetProperty("text").GetString());
        var tokenizer = TiktokenTokenizer.CreateForModel("gpt-4o");
        var usage = final.GetProperty("usage");
        var completion = usage.GetProperty("completion_tokens").GetInt32();
        var prompt = usage.GetProperty("prompt_tokens").GetInt32();
        Assert.Equal(tokenizer.CountTokens(text), completion);
        // Two messages of 3 framing tokens each, their roles and texts, and 3 tokens priming the reply.
        var expectedPrompt = 3 + 2 * 3 + tokenizer.CountTokens("system") + tokenizer.CountTokens("Be brief.") + tokenizer.CountTokens("user") + tokenizer.CountTokens("Say hello.");
        Assert.Equal(expectedPrompt, prompt);
        Assert.Equal(prompt + completion, usage.GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task GenerationStream_LongPauseBetweenChunks_SendsKeepAliveComment()
    {
        // A 2.5 s pause against a 0.5 s keep-alive: even when a loaded machine (CI runs the suite's classes in parallel on 2 cores)
        // holds the first delta for a second before it is written, several keep-alive periods remain in the pause.
        Fixture.Provider.Behavior = _ => new FakeReply { Content = "slow text", Chunks = ["slow ", "text"], ChunkDelay = TimeSpan.FromMilliseconds(2500) };
        using var client = Fixture.CreateClient();
        using var response = await KestrelGatewayFixture.PostStreamingAsync(client, "/llm/generation/stream", s_request);
        using var reader = new SseReader(await response.Content.ReadAsStreamAsync());
        var items = await reader.ReadAllAsync();

        var firstData = items.FindIndex(i => !i.IsComment);
        var secondData = items.FindIndex(firstData + 1, i => !i.IsComment);
        Assert.True(firstData >= 0 && secondData > firstData, $"Expected two data events: {string.Join(" | ", items)}");
        var comments = items.Skip(firstData + 1).Take(secondData - firstData - 1).ToList();
        Assert.True(comments.Count >= 1 && comments.All(c => c.Comment == "keep-alive"),
            $"Expected keep-alive comments in a 2.5 s pause with a 0.5 s keep-alive: {string.Join(" | ", items)}");
        Assert.True(items.Last().Json().GetProperty("is_final").GetBoolean(), "The stream must still end with its final event.");
    }

    [Fact]
    public async Task GenerationStream_ClientDisconnects_CancelsProviderRequestWithinOneSecondAndFreesSlot()
    {
        var chunks = Enumerable.Range(0, 100).Select(i => $"w{i} ").ToArray();
        Fixture.Provider.Behavior = _ => new FakeReply { Content = string.Concat(chunks), Chunks = chunks, ChunkDelay = TimeSpan.FromMilliseconds(100) };
        using var watch = new CancellationWatch(Fixture.Provider);
        using var client = Fixture.CreateClient();
        var response = await KestrelGatewayFixture.PostStreamingAsync(client, "/llm/generation/stream", s_request);
        var reader = new SseReader(await response.Content.ReadAsStreamAsync());
        var first = await reader.ReadEventAsync();
        Assert.Equal("w0 ", first?.Json().GetProperty("text").GetString());
        Assert.Equal(1, (await Fixture.ProviderStatusAsync()).InFlight);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        reader.Dispose();
        response.Dispose();
        Assert.True(await Eventually.CompletesWithinAsync(watch.Cancelled, TimeSpan.FromSeconds(5)), "The provider request was not cancelled within 5 s of the client leaving.");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"The provider request must be cancelled within 1 s; it took {clock.Elapsed.TotalMilliseconds:0} ms.");
        Assert.Equal(0, await Fixture.WaitForNoSlotInUseAsync(TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task GenerationStream_ClientDisconnectsBeforeFirstToken_CancelsProviderRequestWithinOneSecond()
    {
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Fixture.Provider.Behavior = _ =>
        {
            received.TrySetResult();
            return new FakeReply { Content = "never sent", Delay = TimeSpan.FromSeconds(30) };
        };
        using var watch = new CancellationWatch(Fixture.Provider);
        using var client = Fixture.CreateClient();
        using var leave = new CancellationTokenSource();
        var call = KestrelGatewayFixture.PostStreamingAsync(client, "/llm/generation/stream", s_request, leave.Token);
        await received.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await leave.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.True(await Eventually.CompletesWithinAsync(watch.Cancelled, TimeSpan.FromSeconds(5)), "The provider request was not cancelled within 5 s of the client leaving.");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"The provider request must be cancelled within 1 s; it took {clock.Elapsed.TotalMilliseconds:0} ms.");
        Assert.Equal(0, await Fixture.WaitForNoSlotInUseAsync(TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task GenerationStream_PrimaryFails_StreamsFromFallback()
    {
        Fixture.Provider.Behavior = request => request.Model == "fake-model" ? FakeReply.Error(500, "down") : FakeReply.Text("backup answer");
        using var client = Fixture.CreateClient();
        using var response = await KestrelGatewayFixture.PostStreamingAsync(client, "/llm/generation/stream",
            new { model = "fake/fake-model", user_prompt = "Say hello.", fallbacks = new[] { "fake/backup-model" } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        using var reader = new SseReader(await response.Content.ReadAsStreamAsync());
        var final = (await reader.ReadAllAsync()).Where(i => !i.IsComment).Last().Json();
        Assert.True(final.GetProperty("is_final").GetBoolean(), $"Expected the final event, got {final}");
        Assert.Equal("backup answer", final.GetProperty("text").GetString());
    }
}
