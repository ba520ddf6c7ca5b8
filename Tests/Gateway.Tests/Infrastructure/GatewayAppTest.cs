using System.ClientModel;
using OpenAI;

namespace OrleansGateway.Tests.Infrastructure;

/// <summary>
/// The base of a test class whose every test has its own fake provider and, in front of it, its own embedded
/// <see cref="GatewayApplication"/> with <paramref name="settings"/> (or what <see cref="CreateApp"/> makes):
/// made before the test, disposed after it with the provider.
/// </summary>
public abstract class GatewayAppTest(IDictionary<string, string?>? settings = null) : FakeProviderTest
{
    private HttpClient? _kestrel;

    protected GatewayApplication App { get; private set; } = null!;

    /// <summary>A client of <see cref="App"/> served on real Kestrel (a free loopback port), started on first use.</summary>
    protected HttpClient Kestrel => _kestrel ??= new HttpClient { BaseAddress = App.StartKestrel() };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        App = CreateApp();
    }

    public override async Task DisposeAsync()
    {
        _kestrel?.Dispose();
        await App.DisposeAsync();
        await base.DisposeAsync();
    }

    /// <summary>The official OpenAI client for a gateway served at <paramref name="address"/>, with <paramref name="key"/>.</summary>
    protected static OpenAIClient OpenAiClient(Uri address, string key) =>
        new(new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(address, "/v1") });

    /// <summary>The test's gateway, in front of <see cref="FakeProviderTest.Provider"/>; by default with the class's settings.</summary>
    protected virtual GatewayApplication CreateApp() => new(Provider, settings);
}
