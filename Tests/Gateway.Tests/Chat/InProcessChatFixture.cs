using OrleansGateway.Tests.Streaming;

namespace OrleansGateway.Tests.Chat;

/// <summary>The embedded gateway as it starts by default: chat runs in the frontend's process.</summary>
public sealed class InProcessChatFixture : KestrelGatewayFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Gateway:Providers:fake:MaxConcurrency"] = "3",
    };
}
