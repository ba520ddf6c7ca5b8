using Microsoft.Extensions.Logging;

namespace OrleansGateway.Tests.Providers;

/// <summary>
/// A provider that echoes secrets in its error text (some do in 401 messages) leaks none of them: not the
/// provider's key, not the gateway's keys, neither to the client (both surfaces, streams too) nor to the log.
/// An unreachable provider is named without its address; the log keeps the address.
/// </summary>
public sealed class SecretRedactionTests : GatewayAppTest
{
    private const string ProviderKey = "sk-echo-SECRET-123";
    private const string GatewayToken = "gw-token-SECRET-456";
    private const string TeamKey = "team-key-SECRET-789";

    private readonly LogCapture _log = new();
    private readonly int _deadPort = FreePorts.Next();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _ = App.Server;
        Provider.Behavior = request => FakeReply.Error(
            401, $"Incorrect API key provided: {request.Authorization?.Replace("Bearer ", "", StringComparison.Ordinal)}; gateway token {GatewayToken}; team {TeamKey}");
    }

    protected override GatewayApplication CreateApp() => new(Provider, new Dictionary<string, string?>
    {
        ["Gateway:Providers:echo:BaseUrl"] = Provider.BaseUrl,
        ["Gateway:Providers:echo:ApiKey"] = ProviderKey,
        ["Gateway:Providers:echo:MaxRetries"] = "0",
        ["Gateway:Providers:dead:BaseUrl"] = $"http://127.0.0.1:{_deadPort}/v1",
        ["Gateway:Providers:dead:ApiKey"] = "dead-key-SECRET",
        ["Gateway:Providers:dead:MaxRetries"] = "0",
        ["SECRET_TOKEN"] = GatewayToken,
        ["API_KEYS"] = TeamKey + ",other-team-key",
        ["Logging:LogLevel:Default"] = "Debug",
    })
    {
        ConfigureServices = services => services.AddSingleton<ILoggerProvider>(_log),
    };

    [Theory]
    [InlineData("/v1/chat/completions", false)]
    [InlineData("/v1/chat/completions", true)]
    [InlineData("/llm/generation", false)]
    [InlineData("/llm/generation/stream", false)]
    public async Task ProviderEchoesSecrets_ClientAndLogSeeNone(string path, bool stream)
    {
        var response = await App.PostAsync(path, new
        {
            model = "echo/some-model",
            user_prompt = "hi",
            messages = new[] { new { role = "user", content = "hi" } },
            stream,
        }, Authorize);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(Provider.Requests.Any(r => r.Authorization == "Bearer " + ProviderKey), "the provider was not called with its key");
        Assert.True(text.Contains("echo", StringComparison.Ordinal) && text.Contains("401", StringComparison.Ordinal), $"Expected the provider's name and status in: {text}");
        AssertNoSecret(text, "the response");
        await Eventually.UntilAsync(() => _log.Lines.Any(l => l.Contains("Incorrect API key provided", StringComparison.Ordinal)), "the provider's error in the log", TimeSpan.FromSeconds(10));
        AssertNoSecret(string.Join('\n', _log.Lines), "the log");
    }

    [Fact]
    public async Task ProviderUnreachable_ClientSeesNoAddress_LogKeepsIt()
    {
        var response = await App.PostAsync("/v1/chat/completions", new { model = "dead/some-model", messages = new[] { new { role = "user", content = "hi" } } }, Authorize);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadGateway, $"{(int)response.StatusCode} {text}");
        var message = (await GatewayApplication.ReadJsonAsync(response)).GetProperty("error").GetProperty("message").GetString();
        Assert.Equal("Provider 'dead' could not be reached (connection refused).", message);
        Assert.DoesNotContain(_deadPort.ToString(System.Globalization.CultureInfo.InvariantCulture), text, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", text, StringComparison.Ordinal);
        await Eventually.UntilAsync(
            () => _log.Lines.Any(l => l.Contains("could not be reached", StringComparison.Ordinal) && l.Contains($"127.0.0.1:{_deadPort}", StringComparison.Ordinal)),
            "the unreachable address in the log", TimeSpan.FromSeconds(10));
        AssertNoSecret(string.Join('\n', _log.Lines), "the log");
    }

    private static void Authorize(HttpRequestMessage request) => request.Headers.Add("X-API-Key", TeamKey);

    private static void AssertNoSecret(string text, string where)
    {
        foreach (var secret in new[] { ProviderKey, GatewayToken, TeamKey, "dead-key-SECRET" })
        {
            Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{where} contains the secret {secret}:\n{text}");
        }
    }
}
