namespace OrleansGateway.Tests.Auth;

public sealed class OpenGatewayTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/llm/providers")]
    [InlineData("/v1/models")]
    public async Task AnyEndpoint_NoKeysConfigured_ServesWithoutCredentials(string path)
    {
        var response = await fixture.App.CreateClient().GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
