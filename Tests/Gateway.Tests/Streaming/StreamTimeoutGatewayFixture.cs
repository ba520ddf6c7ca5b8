namespace OrleansGateway.Tests.Streaming;

/// <summary>A Kestrel gateway whose provider has a 3 s first-token timeout, a 1 s idle timeout and no retries.</summary>
public sealed class StreamTimeoutGatewayFixture : KestrelGatewayFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Gateway:Providers:fake:FirstTokenTimeoutSeconds"] = "3",
        ["Gateway:Providers:fake:StreamIdleTimeoutSeconds"] = "1",
        ["Gateway:Providers:fake:MaxRetries"] = "0",
    };
}
