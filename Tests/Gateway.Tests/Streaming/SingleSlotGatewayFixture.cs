namespace OrleansGateway.Tests.Streaming;

/// <summary>A Kestrel gateway whose provider allows one request in flight.</summary>
public sealed class SingleSlotGatewayFixture : KestrelGatewayFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Gateway:Providers:fake:MaxConcurrency"] = "1",
    };
}
