namespace OrleansGateway.Tests.Batches;

/// <summary>One <see cref="OpenAiBatchesFixture"/> (default settings) shared by a test class whose tests do not disturb each other.</summary>
public sealed class OpenAiBatchesClassGateway : IAsyncLifetime
{
    /// <summary>The gateway and its clients.</summary>
    public OpenAiBatchesFixture Fixture { get; private set; } = null!;

    public async Task InitializeAsync() => Fixture = await OpenAiBatchesFixture.StartAsync();

    public async Task DisposeAsync() => await Fixture.DisposeAsync();
}
