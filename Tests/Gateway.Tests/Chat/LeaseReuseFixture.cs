using OrleansGateway.Tests.Streaming;

namespace OrleansGateway.Tests.Chat;

/// <summary>An embedded gateway whose provider (limit 8) lets the process keep finished requests' slots for 100 ms (the default).</summary>
public sealed class LeaseReuseFixture : KestrelGatewayFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Gateway:Providers:fake:MaxConcurrency"] = "8",
        ["Gateway:Providers:fake:LeaseReuseMilliseconds"] = "100",
        ["Gateway:Providers:fake:MaxRetries"] = "0",
    };
}
