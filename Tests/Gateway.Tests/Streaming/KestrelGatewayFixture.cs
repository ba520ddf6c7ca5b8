using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using OrleansGateway.FakeProvider;
using OrleansGateway.Providers;
using OrleansGateway.Tests.Infrastructure;

namespace OrleansGateway.Tests.Streaming;

/// <summary>
/// The embedded gateway on real Kestrel (loopback, free port) in front of a fake provider, so that
/// incremental delivery and client disconnects behave as they do in production (the in-memory test
/// server would hide both). Clients it creates abandon a response at once instead of draining it.
/// </summary>
public abstract class KestrelGatewayFixture : IAsyncLifetime
{
    public FakeProviderServer Provider { get; private set; } = null!;

    public GatewayApplication Gateway { get; private set; } = null!;

    /// <summary>The gateway's root URL, ending in '/'.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Settings added to <see cref="GatewayApplication.DefaultSettings"/>.</summary>
    protected abstract IDictionary<string, string?> Settings { get; }

    public async Task InitializeAsync()
    {
        Provider = await FakeProviderServer.StartAsync();
        Gateway = new GatewayApplication(Provider, Settings);
        Gateway.UseKestrel(0);
        Gateway.StartServer();
        var address = Gateway.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
    }

    public async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Provider.DisposeAsync();
    }

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
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var status = await ProviderStatusAsync();
            if (status.InFlight == 0 || DateTime.UtcNow >= deadline)
            {
                return status.InFlight;
            }

            await Task.Delay(20);
        }
    }
}
