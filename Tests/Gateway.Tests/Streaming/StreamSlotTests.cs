namespace OrleansGateway.Tests.Streaming;

public sealed class StreamSlotTests(KestrelGatewayFixture fixture) : KestrelGatewayTest(fixture, s_settings)
{
    /// <summary>A provider that allows one request in flight.</summary>
    private static readonly Dictionary<string, string?> s_settings = new()
    {
        ["Gateway:Providers:fake:MaxConcurrency"] = "1",
    };

    [Fact]
    public async Task ChatCompletionsStream_LimitOfOne_SecondStreamWaitsUntilFirstEnds()
    {
        string[] chunks = ["one ", "two ", "three ", "four"];
        Fixture.Provider.Behavior = _ => new FakeReply { Content = string.Concat(chunks), Chunks = chunks, ChunkDelay = TimeSpan.FromMilliseconds(150) };
        Fixture.Provider.ResetCounters();
        var body = new { model = "fake/fake-model", messages = new[] { new { role = "user", content = "Count." } }, stream = true };
        using var client = Fixture.CreateClient();

        using var firstResponse = await KestrelGatewayFixture.PostStreamingAsync(client, "/v1/chat/completions", body);
        using var firstReader = new SseReader(await firstResponse.Content.ReadAsStreamAsync());
        Assert.NotNull(await firstReader.ReadEventAsync());
        var second = Task.Run(async () =>
        {
            using var response = await KestrelGatewayFixture.PostStreamingAsync(client, "/v1/chat/completions", body);
            using var reader = new SseReader(await response.Content.ReadAsStreamAsync());
            return (response.StatusCode, Items: await reader.ReadAllAsync());
        });
        var status = await WaitForQueuedAsync();
        Assert.True(status.InFlight == 1 && status.QueuedInteractive == 1, $"The second stream must wait for the slot: {status}");

        var firstItems = await firstReader.ReadAllAsync();
        Assert.Equal("[DONE]", firstItems[^1].Data);
        var (secondStatus, secondItems) = await second;
        Assert.Equal(HttpStatusCode.OK, secondStatus);
        Assert.Equal("[DONE]", secondItems[^1].Data);
        Assert.Equal(1, Fixture.Provider.PeakInFlight);
        Assert.Equal(2, Fixture.Provider.CompletedCount);
        Assert.Equal(0, await Fixture.WaitForNoSlotInUseAsync(TimeSpan.FromSeconds(2)));
    }

    /// <summary>The provider's status once a request waits in its interactive queue.</summary>
    private async Task<OrleansGateway.Providers.ProviderStatus> WaitForQueuedAsync()
    {
        var status = await Fixture.ProviderStatusAsync();
        await Eventually.UntilAsync(async () => (status = await Fixture.ProviderStatusAsync()).QueuedInteractive > 0,
            "a request waiting in the provider's interactive queue", TimeSpan.FromSeconds(5));
        return status;
    }
}
