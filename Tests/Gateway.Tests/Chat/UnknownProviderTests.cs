using OrleansGateway.Embeddings;
using OrleansGateway.Streaming;

namespace OrleansGateway.Tests.Chat;

/// <summary>
/// A model whose provider is not configured (as a batch task sees one after its provider left the
/// configuration) means one thing at every layer: <see cref="GatewayErrorKind.NotFound"/> on <c>model</c>,
/// the same kind the frontend's model check gives, so each surface answers it with one status.
/// </summary>
[Collection(ProviderClusterCollection.Name)]
public sealed class UnknownProviderTests(ProviderClusterFixture fixture)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    private IServiceProvider Silo => fixture.Cluster.GetSiloServiceProvider(fixture.Cluster.Silos[0].SiloAddress);

    [Fact]
    public async Task Completion_UnknownProvider_NotFoundOnModel()
    {
        var outcome = await fixture.Client.GetGrain<IChatGrain>(0).CompleteAsync(Guid.NewGuid(), new ChatRequest("ghost/m", [new ChatMessage("user", "hi")])).WaitAsync(s_wait);

        AssertUnknown(outcome.Error, "ghost/m");
    }

    [Fact]
    public async Task Completion_UnknownProviderThenAKnownFallback_TheFallbackAnswers()
    {
        var request = new ChatRequest("ghost/m", [new ChatMessage("user", "fall through")]) { Fallbacks = ["third/backup"] };

        var outcome = await fixture.Client.GetGrain<IChatGrain>(0).CompleteAsync(Guid.NewGuid(), request).WaitAsync(s_wait);

        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        Assert.Equal("third/backup", outcome.Result.Model);
    }

    [Fact]
    public async Task Stream_UnknownProvider_OneFailedEventNotFoundOnModel()
    {
        var executor = Silo.GetRequiredService<ChatStreamExecutor>();
        var events = new List<ChatStreamEvent>();
        await foreach (var item in executor.StreamAsync(new ChatRequest("ghost/m", [new ChatMessage("user", "hi")])))
        {
            events.Add(item);
        }

        var failed = Assert.Single(events);
        Assert.Equal(ChatStreamEventKind.Failed, failed.Kind);
        AssertUnknown(failed.Error, "ghost/m");
    }

    [Fact]
    public async Task Embeddings_UnknownProvider_NotFoundOnModel()
    {
        var outcome = await Silo.GetRequiredService<EmbeddingExecutor>().EmbedAsync(new EmbeddingRequest("ghost/m", []), CancellationToken.None).WaitAsync(s_wait);

        AssertUnknown(outcome.Error, "ghost/m");
    }

    [Fact]
    public async Task ProviderGrain_UnknownProvider_RefusesNotFoundOnModel()
    {
        var lease = await fixture.Client.GetGrain<IProviderGrain>("ghost").AcquireAsync(new LeaseRequest(RequestPriority.Interactive, Guid.NewGuid()));

        Assert.False(lease.Granted);
        AssertUnknown(lease.Error, null);
    }

    private static void AssertUnknown(GatewayError? error, string? model)
    {
        Assert.NotNull(error);
        Assert.Equal(GatewayErrorKind.NotFound, error.Kind);
        Assert.Equal("model", error.Param);
        Assert.Contains("Unknown provider 'ghost'", error.Message);
        if (model is not null)
        {
            Assert.Contains(model, error.Message);
        }
    }
}
