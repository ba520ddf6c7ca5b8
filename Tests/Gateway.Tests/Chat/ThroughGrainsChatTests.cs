namespace OrleansGateway.Tests.Chat;

/// <summary>The embedded gateway with chat sent through the chat grains.</summary>
public sealed class ThroughGrainsChatTests(ThroughGrainsChatFixture fixture) : ChatExecutionPathTests(fixture), IClassFixture<ThroughGrainsChatFixture>
{
    protected override bool ExpectInProcess => false;
}
