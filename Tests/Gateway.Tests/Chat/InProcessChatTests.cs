namespace OrleansGateway.Tests.Chat;

/// <summary>The default embedded gateway: chat runs in the frontend's process.</summary>
public sealed class InProcessChatTests(KestrelGatewayFixture fixture) : ChatExecutionPathTests(fixture)
{
    private static readonly Dictionary<string, string?> s_settings = new()
    {
        ["Gateway:Providers:fake:MaxConcurrency"] = "3",
    };

    protected override IReadOnlyDictionary<string, string?> Settings => s_settings;

    protected override bool ExpectInProcess => true;
}
