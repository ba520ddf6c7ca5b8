namespace OrleansGateway.Tests.Auth;

/// <summary>A gateway key setting that is present but blank stops the start, naming the setting, instead of serving openly.</summary>
public sealed class BlankKeySettingTests : FakeProviderTest
{
    [Theory]
    [InlineData("SECRET_TOKEN", " ")]
    [InlineData("SECRET_TOKEN", "\t")]
    [InlineData("API_KEYS", ",, ,")]
    [InlineData("API_KEYS", " ")]
    public async Task Start_BlankKeySetting_FailsNamingTheSetting(string key, string value)
    {
        await using var app = new GatewayApplication(Provider, new Dictionary<string, string?> { [key] = value });
        var exception = Assert.ThrowsAny<Exception>(() => app.Server);
        var failure = exception as InvalidOperationException ?? exception.InnerException as InvalidOperationException;
        Assert.True(failure is not null, $"Expected an InvalidOperationException naming {key}, got {exception}");
        Assert.Contains(key, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_KeysWithStrayCommas_UsesTheKeys()
    {
        await using var app = new GatewayApplication(Provider, new Dictionary<string, string?> { ["API_KEYS"] = " ,team-a,," });
        var open = await app.CreateClient().GetAsync("/v1/models");
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, open.StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        request.Headers.Add("X-API-Key", "team-a");
        var keyed = await app.CreateClient().SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, keyed.StatusCode);
    }
}
