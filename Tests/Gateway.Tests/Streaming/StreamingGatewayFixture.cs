namespace OrleansGateway.Tests.Streaming;

/// <summary>A Kestrel gateway with quick retries and a half-second keep-alive.</summary>
public sealed class StreamingGatewayFixture : KestrelGatewayFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Gateway:Streaming:KeepAliveSeconds"] = "0.5",
        ["Gateway:Providers:fake:Models:1"] = "backup-model",
    };
}
