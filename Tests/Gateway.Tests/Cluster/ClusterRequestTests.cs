namespace OrleansGateway.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class ClusterRequestTests(ClusterFixture cluster) : ClusterTest(cluster)
{
    [Fact]
    public async Task Generation_ThroughEachFrontend_AnswersFromTheProviderAndHealthShowsClusterMode()
    {
        foreach (var frontend in Cluster.Frontends)
        {
            using var response = await Cluster.GenerateAsync(frontend, $"hello from {frontend.Name}");
            var body = await GatewayApplication.ReadJsonAsync(response);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{frontend.Name}: {(int)response.StatusCode} {body}\n{frontend.Tail()}");
            Assert.Equal($"echo: hello from {frontend.Name}", body.GetProperty("content").GetString());

            using var health = await Cluster.Http.GetAsync(frontend.BaseUrl + "/health");
            var healthBody = await GatewayApplication.ReadJsonAsync(health);
            Assert.True(health.StatusCode == HttpStatusCode.OK, $"{frontend.Name} /health: {healthBody}");
            Assert.Equal("cluster", healthBody.GetProperty("mode").GetString());
            Assert.Equal(2, healthBody.GetProperty("silos").GetArrayLength());
        }
    }

    [Fact]
    public async Task ProviderLimit_ManyConcurrentRequestsThroughBothFrontends_PeakInFlightEqualsTheLimit()
    {
        const int requests = ClusterFixture.ProviderLimit * 4;
        Cluster.Provider.Behavior = r => FakeReply.Text("echo: " + r.LastUserMessage) with { Delay = TimeSpan.FromMilliseconds(400) };
        Cluster.Provider.ResetCounters();

        var calls = Enumerable.Range(0, requests).Select(async i =>
        {
            using var response = await Cluster.GenerateAsync(Cluster.Frontends[i % 2], $"request {i}");
            return (i, response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        });
        var results = await Task.WhenAll(calls);

        var failed = results.Where(r => r.StatusCode != HttpStatusCode.OK).ToList();
        Assert.True(failed.Count == 0, $"{failed.Count} of {requests} failed: {string.Join("; ", failed.Take(3).Select(f => $"{(int)f.StatusCode} {f.Body}"))}");
        Assert.True(Cluster.Provider.PeakInFlight == ClusterFixture.ProviderLimit,
            $"The fake provider saw at most {Cluster.Provider.PeakInFlight} requests at once; the cluster-wide limit is {ClusterFixture.ProviderLimit}.");
        Assert.Equal(requests, Cluster.Provider.CompletedCount);
    }
}
