namespace OrleansGateway.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class ClusterDashboardTests(ClusterFixture cluster) : ClusterTest(cluster)
{
    [Fact]
    public async Task Dashboard_WithAndWithoutTheSecretToken_Answers200OnlyWithIt()
    {
        var url = Cluster.Silos[0].Process!.BaseUrl + "/dashboard/";
        using (var anonymous = await Cluster.Http.GetAsync(url))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.StartsWith("Basic", anonymous.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = ClusterFixture.DashboardAuthorization();
        using var response = await Cluster.Http.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {html}");
        Assert.Contains("<title>Orleans Dashboard</title>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_RenderedInHeadlessChromium_ShowsBothSilosActive()
    {
        var chromium = ClusterServices.Chromium;
        var port = new Uri(Cluster.Silos[1].Process!.BaseUrl).Port;
        var url = $"http://admin:{ClusterFixture.SecretToken}@127.0.0.1:{port}/dashboard/#/silos";
        var profile = Directory.CreateTempSubdirectory("gateway-chromium-");
        try
        {
            var dom = string.Empty;
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
            while (DateTime.UtcNow < deadline)
            {
                dom = await DumpDomAsync(chromium, profile.FullName, url);
                if (Cluster.Silos.All(s => dom.Contains($"127.0.0.1:{s.SiloPort}@", StringComparison.Ordinal)))
                {
                    break;
                }
            }

            var text = System.Text.RegularExpressions.Regex.Replace(dom, "<[^>]+>", " ");
            foreach (var silo in Cluster.Silos)
            {
                Assert.True(dom.Contains($"127.0.0.1:{silo.SiloPort}@", StringComparison.Ordinal),
                    $"The rendered dashboard does not show {silo.Name} (127.0.0.1:{silo.SiloPort}). Page text: {text[..Math.Min(text.Length, 3000)]}");
            }

            Assert.Matches(@"Active Silos\s+2\b", text);
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }

    private static Task<string> DumpDomAsync(string chromium, string profile, string url) =>
        HeadlessChromium.RunAsync(chromium, profile, url, virtualTimeBudgetMs: 15000, "--dump-dom");
}
