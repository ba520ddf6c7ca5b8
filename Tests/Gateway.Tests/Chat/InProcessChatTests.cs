namespace OrleansGateway.Tests.Chat;

/// <summary>The default embedded gateway: chat runs in the frontend's process.</summary>
public sealed class InProcessChatTests(InProcessChatFixture fixture) : ChatExecutionPathTests(fixture), IClassFixture<InProcessChatFixture>
{
    protected override bool ExpectInProcess => true;
}
