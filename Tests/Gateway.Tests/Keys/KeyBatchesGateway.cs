using OrleansGateway.Tests.Batches;

namespace OrleansGateway.Tests.Keys;

/// <summary>
/// One embedded gateway (<see cref="OpenAiBatchesFixture"/>, admin key <c>gateway-secret</c>) for the virtual-key batch
/// tests, with prices of 1 USD per token for <c>fake/fake-model</c> (so a key's spend is its token count) and
/// <c>fake/other-model</c> as a second model.
/// </summary>
public sealed class KeyBatchesGateway : IAsyncLifetime
{
    /// <summary>The gateway and its admin clients.</summary>
    public OpenAiBatchesFixture Fixture { get; private set; } = null!;

    public async Task InitializeAsync() => Fixture = await OpenAiBatchesFixture.StartAsync(new Dictionary<string, string?>
    {
        ["Gateway:Providers:fake:Models:1"] = "other-model",
        ["Gateway:Providers:fake:Prices:fake-model:InputPerMillion"] = "1000000",
        ["Gateway:Providers:fake:Prices:fake-model:OutputPerMillion"] = "1000000",
    });

    public async Task DisposeAsync() => await Fixture.DisposeAsync();
}
