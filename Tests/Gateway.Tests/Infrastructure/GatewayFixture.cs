namespace OrleansGateway.Tests.Infrastructure;

/// <summary>
/// One fake provider and one embedded gateway shared by the tests of a class. Besides <c>fake</c>,
/// the gateway knows <c>legacy</c> (same server, <c>max_tokens</c>), <c>slow</c> (same server, 1 s
/// timeout, no retries), <c>nokey</c> (no API key) and <c>dead</c> (a closed port).
/// </summary>
public sealed class GatewayFixture : EmbeddedGatewayFixture
{
    protected override Dictionary<string, string?> Settings(FakeProviderServer provider) => ExtraProviders(provider.BaseUrl);

    /// <summary>Resets the fake provider to its echo behaviour and clears its counters.</summary>
    public void Reset()
    {
        Provider.Behavior = FakeProviderServer.DefaultBehavior;
        Provider.ResetCounters();
    }

    public static Dictionary<string, string?> ExtraProviders(string baseUrl) => new()
    {
        ["Gateway:Providers:legacy:BaseUrl"] = baseUrl,
        ["Gateway:Providers:legacy:ApiKey"] = "legacy-key",
        ["Gateway:Providers:legacy:MaxTokensField"] = "max_tokens",
        ["Gateway:Providers:legacy:Models:0"] = "old-model",
        ["Gateway:Providers:slow:BaseUrl"] = baseUrl,
        ["Gateway:Providers:slow:ApiKey"] = "slow-key",
        ["Gateway:Providers:slow:TimeoutSeconds"] = "1",
        ["Gateway:Providers:slow:MaxRetries"] = "0",
        ["Gateway:Providers:nokey:BaseUrl"] = baseUrl,
        ["Gateway:Providers:dead:BaseUrl"] = $"http://127.0.0.1:{FreePorts.Next()}/v1",
        ["Gateway:Providers:dead:ApiKey"] = "dead-key",
        ["Gateway:Providers:dead:MaxRetries"] = "1",
        ["Gateway:Providers:dead:RetryBaseDelayMilliseconds"] = "1",
    };
}
