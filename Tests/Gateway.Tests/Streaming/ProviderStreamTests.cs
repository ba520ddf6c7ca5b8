using System.ClientModel;
using Microsoft.Extensions.Time.Testing;
using OpenAI;
using OpenAI.Chat;
using OrleansGateway.Secrets;
using OrleansGateway.Streaming;
using GatewayMessage = OrleansGateway.Chat.ChatMessage;

namespace OrleansGateway.Tests.Streaming;

public sealed class ProviderStreamTests : FakeProviderTest
{
    private static readonly ProviderRoute s_route = new("fake", "fake-model");
    private static readonly ChatRequest s_request = new("fake/fake-model", ImmutableArray.Create(new GatewayMessage("user", "Say hello.")));
    private static readonly ProviderOptions s_options = new()
    {
        FirstTokenTimeoutSeconds = 5,
        StreamIdleTimeoutSeconds = 1,
        MaxTokensField = "max_completion_tokens",
    };

    private ChatClient _client = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _client = new ChatClient("fake-model", new ApiKeyCredential("fake-key"), new OpenAIClientOptions { Endpoint = new Uri(Provider.BaseUrl) });
    }

    [Fact]
    public async Task ReadAsync_ConsumerPausesLongerThanIdleTimeout_StillReadsTheRest()
    {
        Provider.Behavior = _ => new FakeReply { Content = "a b", Chunks = ["a ", "b"] };
        var time = new FakeTimeProvider();
        await using var stream = await ProviderStream.OpenAsync(_client, s_route, s_options, s_request, time, SecretRedactor.For(), CancellationToken.None);
        Assert.Equal("a ", await stream.ReadAsync());

        // A paused consumer is not an idle provider: the idle clock runs only while waiting for the provider.
        time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal("b", await stream.ReadAsync());
        Assert.Null(await stream.ReadAsync());
        Assert.Equal("stop", stream.FinishReason);
    }

    [Fact]
    public async Task ReadAsync_ProviderSilentPastIdleTimeout_ThrowsNonRetryableTimeout()
    {
        // The first content comes after the delay too; the second would come long after the fake clock has run out.
        Provider.Behavior = _ => new FakeReply { Content = "a b", Chunks = ["a ", "b"], ChunkDelay = TimeSpan.FromSeconds(2) };
        var time = new FakeTimeProvider();
        await using var stream = await ProviderStream.OpenAsync(_client, s_route, s_options, s_request, time, SecretRedactor.For(), CancellationToken.None);
        Assert.Equal("a ", await stream.ReadAsync());

        var read = stream.ReadAsync();
        time.Advance(TimeSpan.FromSeconds(1));

        var exception = await Assert.ThrowsAsync<ProviderCallException>(() => read);
        Assert.Equal(GatewayErrorKind.Timeout, exception.Error.Kind);
        Assert.Contains("stream idle timeout", exception.Error.Message, StringComparison.Ordinal);
        Assert.False(exception.Retryable, "Nothing may be retried once the stream has started.");
    }

    [Fact]
    public async Task OpenAsync_NoTokenWithinFirstTokenTimeout_ThrowsRetryableTimeout()
    {
        Provider.Behavior = _ => new FakeReply { Content = "late", Delay = TimeSpan.FromSeconds(30) };
        var time = new FakeTimeProvider();

        var open = ProviderStream.OpenAsync(_client, s_route, s_options, s_request, time, SecretRedactor.For(), CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(5));

        var exception = await Assert.ThrowsAsync<ProviderCallException>(() => open);
        Assert.Equal(GatewayErrorKind.Timeout, exception.Error.Kind);
        Assert.Contains("first-token timeout", exception.Error.Message, StringComparison.Ordinal);
        Assert.True(exception.Retryable, "A first-token timeout happens before the first byte and may be retried.");
    }
}
