namespace OrleansGateway.Tests.Llm.Classification;

/// <summary>
/// A gateway whose provider <c>fake</c> supports JSON schemas and whose provider <c>plain</c>
/// (the same fake server) does not.
/// </summary>
public sealed class ClassificationFixture : EmbeddedGatewayFixture
{
    protected override Dictionary<string, string?> Settings(FakeProviderServer provider) => new()
    {
        ["Gateway:Providers:fake:SupportsJsonSchema"] = "true",
        ["Gateway:Providers:plain:BaseUrl"] = provider.BaseUrl,
        ["Gateway:Providers:plain:ApiKey"] = "plain-key",
        ["Gateway:Providers:plain:SupportsJsonSchema"] = "false",
        ["Gateway:Providers:plain:RetryBaseDelayMilliseconds"] = "1",
    };
}
