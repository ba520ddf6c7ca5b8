using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace OrleansGateway.Tests.Infrastructure;

/// <summary>
/// The embedded gateway on real Kestrel (loopback, free port) in front of a fake provider, so that
/// incremental delivery and client disconnects behave as they do in production (the in-memory test
/// server would hide both). One per test class (<c>IClassFixture</c>); the class passes its settings
/// (added to <see cref="GatewayApplication.DefaultSettings"/>) to <see cref="StartAsync"/> from its
/// <c>IAsyncLifetime.InitializeAsync</c>: the first call starts the gateway, later ones find it running.
/// Clients it creates abandon a response at once instead of draining it.
/// </summary>
public sealed class KestrelGatewayFixture : IAsyncDisposable, IDisposable
{
    private readonly SemaphoreSlim _start = new(1, 1);
    private IReadOnlyDictionary<string, string?>? _settings;
    private FakeProviderServer? _provider;
    private GatewayApplication? _gateway;
    private Uri? _baseAddress;

    public FakeProviderServer Provider => _provider ?? throw NotStarted();

    public GatewayApplication Gateway => _gateway ?? throw NotStarted();

    /// <summary>The gateway's root URL, ending in '/'.</summary>
    public Uri BaseAddress => _baseAddress ?? throw NotStarted();

    /// <summary>Starts the fake provider and the gateway with <paramref name="settings"/>, once; the same settings every call.</summary>
    public async Task StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        await _start.WaitAsync();
        try
        {
            if (_settings is not null)
            {
                if (!ReferenceEquals(_settings, settings))
                {
                    throw new InvalidOperationException("A KestrelGatewayFixture runs with one set of settings; pass the same dictionary every time.");
                }

                return;
            }

            _provider = await FakeProviderServer.StartAsync();
            _gateway = new GatewayApplication(_provider, new Dictionary<string, string?>(settings));
            _gateway.UseKestrel(0);
            _gateway.StartServer();
            var address = _gateway.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            _baseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
            _settings = settings;
        }
        finally
        {
            _start.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }

        _start.Dispose();
    }

    /// <summary>xunit disposes class fixtures through <see cref="IDisposable"/> when they are not <c>IAsyncLifetime</c>.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>A client of the gateway whose disposed responses close the connection at once.</summary>
    public HttpClient CreateClient() =>
        new(new SocketsHttpHandler { ResponseDrainTimeout = TimeSpan.Zero, MaxResponseDrainSize = 0 }, disposeHandler: true)
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };

    /// <summary>POSTs a JSON body and returns as soon as the response headers have arrived.</summary>
    public static Task<HttpResponseMessage> PostStreamingAsync(HttpClient client, string path, object body, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(System.Text.Json.JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json"),
        };
        return client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    /// <summary>The <c>fake</c> provider's limiter as its grain sees it now.</summary>
    public Task<ProviderStatus> ProviderStatusAsync() =>
        Gateway.Services.GetRequiredService<IGrainFactory>().GetGrain<IProviderGrain>("fake").GetStatusAsync();

    /// <summary>Waits (up to <paramref name="timeout"/>) until no slot of the <c>fake</c> provider is held; returns the last count.</summary>
    public async Task<int> WaitForNoSlotInUseAsync(TimeSpan timeout)
    {
        var inFlight = -1;
        try
        {
            await Eventually.UntilAsync(async () => (inFlight = (await ProviderStatusAsync()).InFlight) == 0, "no slot of 'fake' in use", timeout);
        }
        catch (Xunit.Sdk.XunitException)
        {
            // The caller asserts on the count, with its own message.
        }

        return inFlight;
    }

    private static InvalidOperationException NotStarted() =>
        new("The gateway is not started: call StartAsync(settings) from the test class's InitializeAsync.");
}
