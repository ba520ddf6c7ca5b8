namespace OrleansGateway.Tests.Batches;

/// <summary>
/// A Node program written for OpenAI's Batch API (<c>scripts/openai-batch-client.js</c>, the official <c>openai</c> npm
/// package: <c>files.create</c>, <c>batches.create</c>, <c>batches.retrieve</c>, <c>files.content</c>, <c>files.list</c>)
/// runs unmodified against the embedded gateway on loopback Kestrel, only its base URL, key and <c>provider/model</c> names
/// changed (<see cref="NodeBatchClient"/>; the cluster's run is <c>ClusterOpenAiBatchesNodeClientTests</c>).
/// </summary>
public sealed class OpenAiBatchesNodeClientTests : IClassFixture<OpenAiBatchesClassGateway>
{
    private readonly OpenAiBatchesFixture _gateway;

    public OpenAiBatchesNodeClientTests(OpenAiBatchesClassGateway gateway) => _gateway = gateway.Fixture;

    [Fact]
    public async Task NodeOpenAiPackage_FilesAndBatches_RunUnmodified()
    {
        var run = await NodeBatchClient.RunAsync(new Uri(_gateway.Address, "/v1").ToString(), "gateway-secret", [
            OpenAiBatchesFixture.ChatLine("n1", "from node"),
            OpenAiBatchesFixture.ChatLine("n2", "second provider", model: "fake2/other-model"),
            OpenAiBatchesFixture.ChatLine("n3", "third")], TimeSpan.FromSeconds(90));

        var output = NodeBatchClient.AssertEveryLineAnsweredOnce(run, ["n1", "n2", "n3"]);
        Assert.Equal("echo: from node", NodeBatchClient.Content(output["n1"]));
        Assert.Equal("echo: second provider", NodeBatchClient.Content(output["n2"]));
        Assert.Equal("fake2/other-model", output["n2"].GetProperty("response").GetProperty("body").GetProperty("model").GetString());
    }
}
