using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using OrleansGateway.Hosting;

namespace OrleansGateway.Tests.Hosting;

public sealed class OptionsValidationTests : FakeProviderTest
{
    [Theory]
    [InlineData("Gateway:Providers:fake:BaseUrl", "not a url", "Gateway:Providers:fake:BaseUrl")]
    [InlineData("Gateway:Providers:fake:BaseUrl", "ftp://example.test/v1", "Gateway:Providers:fake:BaseUrl")]
    [InlineData("Gateway:Providers:fake:MaxConcurrency", "-1", "Gateway:Providers:fake:MaxConcurrency")]
    [InlineData("Gateway:Providers:fake:MaxRetries", "-2", "Gateway:Providers:fake:MaxRetries")]
    [InlineData("Gateway:Providers:fake:BatchMinShare", "1.5", "Gateway:Providers:fake:BatchMinShare")]
    [InlineData("Gateway:Providers:fake:MaxTokensField", "max_length", "Gateway:Providers:fake:MaxTokensField")]
    [InlineData("Gateway:Providers:custom:ApiKey", "k", "Gateway:Providers:custom:BaseUrl")]
    public async Task Start_InvalidSetting_FailsNamingTheSetting(string key, string value, string named)
    {
        await using var app = new GatewayApplication(Provider, new Dictionary<string, string?> { [key] = value });
        var validation = StartFailure.ValidationOf(app);
        Assert.Contains(validation.Failures, f => f.Contains(named, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_SeveralBadSettings_ReportsEveryFailureAtOnce()
    {
        var options = Build(new Dictionary<string, string?>
        {
            ["Gateway:Providers:a:BaseUrl"] = "nope",
            ["Gateway:Providers:a:MaxConcurrency"] = "0",
            ["Gateway:Providers:a:TimeoutSeconds"] = "-5",
        });
        var exception = Assert.Throws<OptionsValidationException>(() => options.GetRequiredService<IOptions<ProvidersOptions>>().Value);
        Assert.Equal(3, exception.Failures.Count());
    }

    [Fact]
    public void Options_EnvironmentShorthands_OverrideTheSection()
    {
        var options = Build(new Dictionary<string, string?>
        {
            ["Gateway:Providers:local:BaseUrl"] = "http://127.0.0.1:1/v1",
            ["LOCAL_BASE_URL"] = "http://127.0.0.1:9999/v1",
            ["Gateway:Providers:openai:ApiKey"] = "from-section",
            ["OPENAI_API_KEY"] = "from-env",
            ["Gateway:Providers:my-llm:BaseUrl"] = "http://127.0.0.1:7/v1",
            ["MY_LLM_API_KEY"] = "custom-key",
        }).GetRequiredService<IOptions<ProvidersOptions>>().Value;

        Assert.Equal("http://127.0.0.1:9999/v1", options.Providers["local"].BaseUrl);
        Assert.Equal("from-env", options.Providers["openai"].ApiKey);
        Assert.Equal("custom-key", options.Providers["my-llm"].ApiKey);
        Assert.Equal("https://api.groq.com/openai/v1", options.Providers["groq"].BaseUrl);
        Assert.Equal("max_tokens", options.Providers["local"].MaxTokensField);
        Assert.Equal("max_completion_tokens", options.Providers["openai"].MaxTokensField);
        Assert.Equal(["openai", "groq", "google", "local", "my-llm"], options.Providers.Keys);
    }

    [Fact]
    public void Options_FullFormEnvironmentVariable_Binds()
    {
        Environment.SetEnvironmentVariable("Gateway__Providers__local__MaxConcurrency", "8");
        try
        {
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
            var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddGatewayCore().BuildServiceProvider();
            Assert.Equal(8, services.GetRequiredService<IOptions<ProvidersOptions>>().Value.Providers["local"].MaxConcurrency);
        }
        finally
        {
            Environment.SetEnvironmentVariable("Gateway__Providers__local__MaxConcurrency", null);
        }
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddGatewayCore().BuildServiceProvider();
    }
}
