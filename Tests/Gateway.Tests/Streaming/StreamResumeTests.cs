using OrleansGateway.Streaming;

namespace OrleansGateway.Tests.Streaming;

/// <summary>
/// The stream grain's half of resuming a stream: a reading call that is given up (as when its answer was lost with a
/// gateway silo) leaves the stream running, and <see cref="IChatStreamGrain.ResumeAsync"/> reads on from the caller's count.
/// </summary>
public sealed class StreamResumeTests(KestrelGatewayFixture fixture) : KestrelGatewayTest(fixture, s_settings)
{
    /// <summary>Every stream through the grains, all to one stream grain activation.</summary>
    private static readonly Dictionary<string, string?> s_settings = new()
    {
        ["Gateway:Streaming:StreamGrainPoolSize"] = "1",
        ["Gateway:Chat:InProcessWhenEmbedded"] = "false",
    };

    private const int Chunks = 12;

    private IChatStreamGrain Grain => Fixture.Gateway.Services.GetRequiredService<IGrainFactory>().GetGrain<IChatStreamGrain>(0);

    [Fact]
    public async Task ResumeAsync_WhileTheGivenUpReadStillWaits_ReadsOnWithEveryEventExactlyOnce()
    {
        UseChunks(TimeSpan.FromMilliseconds(150));
        var id = Guid.NewGuid();
        var text = new StringBuilder();
        await using var first = Grain.StreamAsync(id, Request("resume")).GetAsyncEnumerator();
        var received = 0;
        while (received < 3 && await first.MoveNextAsync())
        {
            Assert.Equal(ChatStreamEventKind.Delta, first.Current.Kind);
            text.Append(first.Current.Text);
            received++;
        }

        // The old read's next call is still waiting at the grain (its answer would be lost) when the resume arrives.
        var abandoned = first.MoveNextAsync().AsTask();
        var deltas = received;
        ChatStreamEvent? last = null;
        await foreach (var item in Grain.ResumeAsync(id, received))
        {
            if (item.Kind == ChatStreamEventKind.Delta)
            {
                text.Append(item.Text);
                deltas++;
            }
            else
            {
                last = item;
            }
        }

        Assert.Equal(ChatStreamEventKind.Completed, last?.Kind);
        Assert.Equal(Expected("resume"), text.ToString());
        Assert.Equal(Expected("resume"), last!.Text);
        Assert.Equal(Chunks, deltas);
        await abandoned.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, await Fixture.WaitForNoSlotInUseAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task ResumeAsync_AfterTheStreamEnded_ReplaysTheEventsTheCallerMissed()
    {
        UseChunks(TimeSpan.Zero);
        var id = Guid.NewGuid();
        var all = new List<ChatStreamEvent>();
        await foreach (var item in Grain.StreamAsync(id, Request("tail")))
        {
            all.Add(item);
        }

        // As if the answer carrying the last five events had been lost.
        var replayed = new List<ChatStreamEvent>();
        await foreach (var item in Grain.ResumeAsync(id, all.Count - 5))
        {
            replayed.Add(item);
        }

        Assert.Equal(all[^5..], replayed);
        Assert.Equal(ChatStreamEventKind.Completed, replayed[^1].Kind);
    }

    [Fact]
    public async Task EndAsync_OfAStreamNobodyReads_CancelsTheProviderRequestAndFreesTheSlot()
    {
        UseChunks(TimeSpan.FromMilliseconds(200));
        Fixture.Provider.ResetCounters();
        var id = Guid.NewGuid();
        await using (var events = Grain.StreamAsync(id, Request("end")).GetAsyncEnumerator())
        {
            Assert.True(await events.MoveNextAsync());
            Assert.Equal(ChatStreamEventKind.Delta, events.Current.Kind);
        }

        // The read is gone but the stream waits to be resumed, holding its slot.
        Assert.Equal(0, Fixture.Provider.CancelledCount);
        Assert.True((await Fixture.ProviderStatusAsync()).InFlight >= 1, "the stream keeps its slot while it may be resumed");
        await Grain.EndAsync(id);

        await Eventually.UntilAsync(() => Fixture.Provider.CancelledCount == 1, "the provider request is cancelled", TimeSpan.FromSeconds(5));
        Assert.Equal(0, await Fixture.WaitForNoSlotInUseAsync(TimeSpan.FromSeconds(5)));
        var resumed = new List<ChatStreamEvent>();
        await foreach (var item in Grain.ResumeAsync(id, 1))
        {
            resumed.Add(item);
        }

        Assert.Equal(ChatStreamEventKind.Failed, Assert.Single(resumed).Kind);
    }

    [Fact]
    public async Task ResumeAsync_OfAStreamThisGrainNeverRan_IsOneFailedEvent()
    {
        var events = new List<ChatStreamEvent>();
        await foreach (var item in Grain.ResumeAsync(Guid.NewGuid(), 4))
        {
            events.Add(item);
        }

        var failed = Assert.Single(events);
        Assert.Equal(ChatStreamEventKind.Failed, failed.Kind);
        Assert.Contains("lost with the silo that ran it", failed.Error!.Message, StringComparison.Ordinal);
    }

    private void UseChunks(TimeSpan chunkDelay) =>
        Fixture.Provider.Behavior = request => new FakeReply
        {
            Content = Expected(request.LastUserMessage),
            Chunks = [.. Enumerable.Range(0, Chunks).Select(i => $"{request.LastUserMessage}-{i} ")],
            ChunkDelay = chunkDelay,
        };

    private static string Expected(string prompt) => string.Concat(Enumerable.Range(0, Chunks).Select(i => $"{prompt}-{i} "));

    private static ChatRequest Request(string text) => new("fake/fake-model", [new ChatMessage("user", text)]);
}
