using System.Globalization;
using OrleansGateway.Tests.Batches;

namespace OrleansGateway.Tests.Cluster;

/// <summary>
/// Issue 15's "done when" in cluster mode: <c>scripts/openai-batch-client.js</c> (the official <c>openai</c> npm package)
/// runs unmodified against a frontend of the real cluster (two silos and the frontends as processes, Redis, Azurite tables
/// and blobs): the uploaded file and the output file go through Azure Blob Storage, the batch runs on the silos, and
/// every line is in the output file once, answered by the provider once.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterOpenAiBatchesNodeClientTests(ClusterFixture cluster) : ClusterTest(cluster)
{
    private const int Lines = 40;

    [Fact]
    public async Task NodeOpenAiPackage_AgainstClusterFrontend_EveryLineAnsweredOnce()
    {
        var calls = new ConcurrentDictionary<string, int>();
        Cluster.Provider.Behavior = request =>
        {
            calls.AddOrUpdate(request.LastUserMessage, 1, (_, n) => n + 1);
            return FakeReply.Text("answer to " + request.LastUserMessage) with { Delay = TimeSpan.FromMilliseconds(20) };
        };
        var ids = Enumerable.Range(0, Lines).Select(i => "node-" + i.ToString(CultureInfo.InvariantCulture)).ToList();

        var run = await NodeBatchClient.RunAsync(
            Cluster.Frontends[1].BaseUrl + "/v1", ClusterFixture.SecretToken, ids.Select(id => OpenAiBatchesFixture.ChatLine(id, "line " + id)), TimeSpan.FromSeconds(120));

        var output = NodeBatchClient.AssertEveryLineAnsweredOnce(run, ids);
        Assert.All(ids, id => Assert.Equal("answer to line " + id, NodeBatchClient.Content(output[id])));
        var repeated = calls.Where(c => c.Value != 1).Select(c => $"{c.Key} x{c.Value}").ToList();
        Assert.True(calls.Count == Lines && repeated.Count == 0, $"The provider answered {calls.Count} distinct lines of {Lines}; more than once: {string.Join(", ", repeated)}\n{Cluster.Tails()}");
    }
}
