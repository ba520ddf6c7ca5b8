using OrleansGateway.Tests.Streaming;

namespace OrleansGateway.Tests.Chat;

/// <summary>The embedded gateway with <c>Gateway:Chat:InProcessWhenEmbedded=false</c>: chat goes through the chat grains.</summary>
public sealed class ThroughGrainsChatFixture : KestrelGatewayFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Gateway:Providers:fake:MaxConcurrency"] = "3",
        ["Gateway:Chat:InProcessWhenEmbedded"] = "false",
    };
}
