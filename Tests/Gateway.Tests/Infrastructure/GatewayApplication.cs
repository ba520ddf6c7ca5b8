using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OrleansGateway.Tests.Infrastructure;

/// <summary>
/// The embedded gateway (frontend with its silo) in memory, configured with a provider named
/// <c>fake</c> that points at a <see cref="FakeProviderServer"/> on loopback. Settings add to or
/// override the defaults; <see cref="Services"/> can be replaced with <see cref="ConfigureServices"/>.
/// </summary>
public sealed class GatewayApplication : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;

    public GatewayApplication(FakeProviderServer provider, IDictionary<string, string?>? settings = null)
    {
        Provider = provider;
        _settings = new Dictionary<string, string?>(DefaultSettings(provider.BaseUrl), StringComparer.OrdinalIgnoreCase);
        if (settings is not null)
        {
            foreach (var (key, value) in settings)
            {
                _settings[key] = value;
            }
        }
    }

    /// <summary>The fake provider behind the <c>fake</c> provider.</summary>
    public FakeProviderServer Provider { get; }

    /// <summary>Extra service registrations (e.g. a fake <see cref="TimeProvider"/>).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }

    /// <summary>The settings every test gateway starts with.</summary>
    public static Dictionary<string, string?> DefaultSettings(string fakeBaseUrl) => new()
    {
        ["Orleans:Endpoints:SiloPort"] = FreePorts.Next().ToString(),
        ["Orleans:Endpoints:GatewayPort"] = FreePorts.Next().ToString(),
        ["Gateway:Providers:fake:BaseUrl"] = fakeBaseUrl,
        ["Gateway:Providers:fake:ApiKey"] = "fake-key",
        ["Gateway:Providers:fake:Models:0"] = "fake-model",
        ["Gateway:Providers:fake:MaxConcurrency"] = "8",
        ["Gateway:Providers:fake:TimeoutSeconds"] = "10",
        ["Gateway:Providers:fake:RetryBaseDelayMilliseconds"] = "1",
        ["Gateway:Providers:fake:MaxRetries"] = "2",
        ["Gateway:Providers:fake:CircuitFailureThreshold"] = "1000",
        ["Logging:LogLevel:Default"] = "Warning",
        ["SECRET_TOKEN"] = null,
        ["API_KEYS"] = null,
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value ?? string.Empty);
        }

        if (ConfigureServices is { } configure)
        {
            builder.ConfigureServices(configure);
        }
    }

    /// <summary>Serves the gateway on real Kestrel at a free loopback port and returns its base address.</summary>
    public Uri StartKestrel()
    {
        var port = FreePorts.Next();
        UseKestrel(port);
        StartServer();
        return new Uri($"http://localhost:{port}");
    }

    /// <summary>POSTs a raw JSON string.</summary>
    public Task<HttpResponseMessage> PostJsonAsync(string path, string json, Action<HttpRequestMessage>? configure = null)
    {
        var client = CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        configure?.Invoke(request);
        return client.SendAsync(request);
    }

    /// <summary>POSTs an object as JSON.</summary>
    public Task<HttpResponseMessage> PostAsync(string path, object body, Action<HttpRequestMessage>? configure = null) =>
        PostJsonAsync(path, JsonSerializer.Serialize(body), configure);

    /// <summary>Reads a response body as a JSON document.</summary>
    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        try
        {
            return JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new Xunit.Sdk.XunitException($"Expected a JSON body, got ({(int)response.StatusCode}): {text}");
        }
    }
}
