namespace OrleansGateway.Tests.Streaming;

/// <summary>A Kestrel gateway whose frontend sends every stream through the grains, all to one stream grain activation.</summary>
public sealed class OneStreamGrainGatewayFixture : KestrelGatewayFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Gateway:Streaming:StreamGrainPoolSize"] = "1",
        ["Gateway:Chat:InProcessWhenEmbedded"] = "false",
    };
}
