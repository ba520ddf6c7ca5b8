namespace OrleansGateway.Tests.Streaming;

public sealed class SharedStreamGrainTests(KestrelGatewayFixture fixture) : KestrelGatewayTest(fixture, s_settings)
{
    /// <summary>Every stream through the grains, all to one stream grain activation.</summary>
    private static readonly Dictionary<string, string?> s_settings = new()
    {
        ["Gateway:Streaming:StreamGrainPoolSize"] = "1",
        ["Gateway:Chat:InProcessWhenEmbedded"] = "false",
    };

    [Fact]
    public async Task ChatCompletionsStream_ManyAtOnceOnOneGrain_EachGetsItsOwnTextAndALeaverStopsOnlyItsOwn()
    {
        const int streams = 8;
        Fixture.Provider.Behavior = request => new FakeReply
        {
            Content = string.Concat(Enumerable.Range(0, 4).Select(i => $"{request.LastUserMessage}-{i} ")),
            Chunks = [.. Enumerable.Range(0, 4).Select(i => $"{request.LastUserMessage}-{i} ")],
            ChunkDelay = TimeSpan.FromMilliseconds(100),
        };
        Fixture.Provider.ResetCounters();
        using var client = Fixture.CreateClient();

        // One client leaves after its first event while the others are mid-stream on the same activation.
        var leaver = Task.Run(async () =>
        {
            using var response = await KestrelGatewayFixture.PostStreamingAsync(client, "/v1/chat/completions", Body("leaver"));
            using var reader = new SseReader(await response.Content.ReadAsStreamAsync());
            return await reader.ReadEventAsync();
        });
        var readers = Enumerable.Range(0, streams).Select(n => Task.Run(async () =>
        {
            using var response = await KestrelGatewayFixture.PostStreamingAsync(client, "/v1/chat/completions", Body($"s{n}"));
            using var reader = new SseReader(await response.Content.ReadAsStreamAsync());
            return (n, response.StatusCode, Items: await reader.ReadAllAsync());
        })).ToArray();

        Assert.NotNull(await leaver);
        foreach (var (n, status, items) in await Task.WhenAll(readers))
        {
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("[DONE]", items[^1].Data);
            var text = new StringBuilder();
            foreach (var item in items.Where(i => !i.IsComment && i.Data != "[DONE]"))
            {
                var delta = item.Json().GetProperty("choices")[0].GetProperty("delta");
                if (delta.TryGetProperty("content", out var content))
                {
                    text.Append(content.GetString());
                }
            }

            Assert.Equal($"s{n}-0 s{n}-1 s{n}-2 s{n}-3 ", text.ToString());
        }

        Assert.True(Fixture.Provider.PeakInFlight >= streams, $"The streams must have run at once on the one grain (peak {Fixture.Provider.PeakInFlight}).");
        Assert.Equal(streams, Fixture.Provider.CompletedCount);
        await Eventually.UntilAsync(() => Fixture.Provider.CancelledCount == 1, "the leaver's provider request is cancelled", TimeSpan.FromSeconds(5));
    }

    private static object Body(string text) => new { model = "fake/fake-model", messages = new[] { new { role = "user", content = text } }, stream = true };
}
