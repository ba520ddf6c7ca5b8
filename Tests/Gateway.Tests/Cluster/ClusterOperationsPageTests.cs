namespace OrleansGateway.Tests.Cluster;

/// <summary>The operations page on a silo: beside the Orleans Dashboard, behind the same key, showing the cluster's providers.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterOperationsPageTests(ClusterFixture cluster) : ClusterTest(cluster)
{
    [Fact]
    public async Task OperationsPage_OnASilo_NeedsTheDashboardKeyAndLinksToTheDashboard()
    {
        var baseUrl = Cluster.Silos[0].Process!.BaseUrl;
        foreach (var path in new[] { "/operations", "/operations/status" })
        {
            using var anonymous = await Cluster.Http.GetAsync(baseUrl + path);
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.StartsWith("Basic", anonymous.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }

        var html = await GetAsync(baseUrl + "/operations");
        Assert.Contains("href=\"/dashboard/\"", html, StringComparison.Ordinal);
        Assert.Contains("data-status=\"/operations/status\"", html, StringComparison.Ordinal);

        // A provider grain no request used yet activates (reading its storage) on the first read; under load that can
        // outlast the page's 5 s per part, which the page then names. It must answer within a minute.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var status = JsonDocument.Parse(await GetAsync(baseUrl + "/operations/status"));
        while (status.RootElement.GetProperty("errors").GetArrayLength() > 0 && DateTime.UtcNow < deadline)
        {
            status.Dispose();
            status = JsonDocument.Parse(await GetAsync(baseUrl + "/operations/status"));
        }

        using var _ = status;
        Assert.Equal("silo", status.RootElement.GetProperty("host").GetString());
        var fake = status.RootElement.GetProperty("providers").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "fake");
        Assert.Equal(ClusterFixture.ProviderLimit, fake.GetProperty("limit").GetInt32());
        Assert.Empty(status.RootElement.GetProperty("errors").EnumerateArray());
    }

    private async Task<string> GetAsync(string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = ClusterFixture.DashboardAuthorization();
        using var response = await Cluster.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {body}");
        return body;
    }
}
