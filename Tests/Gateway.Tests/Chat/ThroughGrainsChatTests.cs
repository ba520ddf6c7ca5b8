namespace OrleansGateway.Tests.Chat;

/// <summary>The embedded gateway with <c>Gateway:Chat:InProcessWhenEmbedded=false</c>: chat goes through the chat grains.</summary>
public sealed class ThroughGrainsChatTests(KestrelGatewayFixture fixture) : ChatExecutionPathTests(fixture)
{
    private static readonly Dictionary<string, string?> s_settings = new()
    {
        ["Gateway:Providers:fake:MaxConcurrency"] = "3",
        ["Gateway:Chat:InProcessWhenEmbedded"] = "false",
    };

    protected override IReadOnlyDictionary<string, string?> Settings => s_settings;

    protected override bool ExpectInProcess => false;
}
