namespace OrleansGateway.Tests.Operations;

/// <summary>The frontend's operations page behind the gateway key: HTTP Basic (for browsers), X-API-Key and Bearer.</summary>
public sealed class OperationsPageKeyTests(KestrelGatewayFixture fixture) : KestrelGatewayTest(fixture, s_settings)
{
    private const string Key = "ops-page-key";

    private static readonly Dictionary<string, string?> s_settings = new() { ["SECRET_TOKEN"] = Key };

    [Theory]
    [InlineData("operations")]
    [InlineData("operations/status")]
    [InlineData("operations/operations.js")]
    public async Task OperationsPage_WithoutAKey_Is401WithABasicChallenge(string path)
    {
        using var client = Fixture.CreateClient();
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Basic", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OperationsPage_WithTheKeyAsBasicPasswordOrHeader_Answers200()
    {
        using var client = Fixture.CreateClient();
        foreach (var (name, value) in new[]
        {
            ("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + Key))),
            ("Authorization", "Bearer " + Key),
            ("X-API-Key", Key),
        })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "operations/status");
            request.Headers.TryAddWithoutValidation(name, value);
            using var response = await client.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{name}: {value[..6]}…: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        using var wrong = new HttpRequestMessage(HttpMethod.Get, "operations/status");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:not-the-key")));
        using var refused = await client.SendAsync(wrong);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }
}
