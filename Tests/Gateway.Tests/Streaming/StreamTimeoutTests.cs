using System.Diagnostics;

namespace OrleansGateway.Tests.Streaming;

public sealed class StreamTimeoutTests(KestrelGatewayFixture fixture) : KestrelGatewayTest(fixture, s_settings)
{
    /// <summary>A 3 s first-token timeout, a 1 s idle timeout and no retries.</summary>
    private static readonly Dictionary<string, string?> s_settings = new()
    {
        ["Gateway:Providers:fake:FirstTokenTimeoutSeconds"] = "3",
        ["Gateway:Providers:fake:StreamIdleTimeoutSeconds"] = "1",
        ["Gateway:Providers:fake:MaxRetries"] = "0",
    };

    private static readonly object s_request = new
    {
        model = "fake/fake-model",
        messages = new[] { new { role = "user", content = "Say hello." } },
        stream = true,
    };

    [Fact]
    public async Task ChatCompletionsStream_NoFirstTokenWithinTimeout_Answers504AndCancelsProviderRequest()
    {
        Fixture.Provider.Behavior = _ => new FakeReply { Content = "too late", Delay = TimeSpan.FromSeconds(10) };
        using var watch = new CancellationWatch(Fixture.Provider);
        using var client = Fixture.CreateClient();
        var clock = Stopwatch.StartNew();
        using var response = await KestrelGatewayFixture.PostStreamingAsync(client, "/v1/chat/completions", s_request);
        var elapsed = clock.Elapsed;

        await ErrorAssert.OpenAiErrorAsync(response, HttpStatusCode.GatewayTimeout, "first-token timeout", "timeout_error");
        Assert.True(elapsed >= TimeSpan.FromSeconds(2.5) && elapsed < TimeSpan.FromSeconds(9),
            $"The 3 s first-token timeout should answer after about 3 s (well before the provider's 10 s), not {elapsed.TotalSeconds:0.0} s.");
        Assert.True(await Eventually.CompletesWithinAsync(watch.Cancelled, TimeSpan.FromSeconds(5)), "The timed-out provider request must be cancelled.");
        Assert.Equal(0, await Fixture.WaitForNoSlotInUseAsync(TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task ChatCompletionsStream_ProviderStallsAfterFirstToken_SendsTimeoutErrorEvent()
    {
        // The first token comes after 1.8 s (within the 3 s first-token timeout); the next 1.8 s
        // later, beyond the 1 s idle timeout.
        Fixture.Provider.Behavior = _ => new FakeReply { Content = "a b", Chunks = ["a ", "b"], ChunkDelay = TimeSpan.FromMilliseconds(1800) };
        using var client = Fixture.CreateClient();
        using var response = await KestrelGatewayFixture.PostStreamingAsync(client, "/v1/chat/completions", s_request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new SseReader(await response.Content.ReadAsStreamAsync());
        var items = (await reader.ReadAllAsync()).Where(i => !i.IsComment).ToList();

        Assert.True(items.Count == 3, $"Expected role, 'a ' and an error; got: {string.Join(" | ", items.Select(i => i.Data))}");
        Assert.Equal("a ", items[1].Json().GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString());
        var error = items[2].Json().GetProperty("error");
        Assert.Equal("timeout_error", error.GetProperty("type").GetString());
        Assert.Contains("idle timeout", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await Fixture.WaitForNoSlotInUseAsync(TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task GenerationStream_NoFirstTokenWithinTimeout_AnswersDocumentedError()
    {
        Fixture.Provider.Behavior = _ => new FakeReply { Content = "too late", Delay = TimeSpan.FromSeconds(10) };
        using var client = Fixture.CreateClient();
        using var response = await KestrelGatewayFixture.PostStreamingAsync(client, "/llm/generation/stream", new { model = "fake/fake-model", user_prompt = "Say hello." });

        await ErrorAssert.LlmErrorAsync(response, HttpStatusCode.InternalServerError, "first-token timeout");
    }

    [Fact]
    public async Task ChatCompletionsStream_RoleChunkButNoTokenWithinTimeout_Answers504()
    {
        // The provider answers at once with its role chunk, but its first content comes after 5 s.
        Fixture.Provider.Behavior = _ => new FakeReply { Content = "late", Chunks = ["late"], ChunkDelay = TimeSpan.FromSeconds(5) };
        using var client = Fixture.CreateClient();
        using var response = await KestrelGatewayFixture.PostStreamingAsync(client, "/v1/chat/completions", s_request);

        await ErrorAssert.OpenAiErrorAsync(response, HttpStatusCode.GatewayTimeout, "first-token timeout", "timeout_error");
        Assert.Equal(0, await Fixture.WaitForNoSlotInUseAsync(TimeSpan.FromSeconds(2)));
    }
}
