using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Embeddings;

namespace OrleansGateway.Providers;

/// <summary>
/// One pooled <see cref="HttpClient"/> and one <see cref="OpenAIClient"/> per provider, with the
/// package's own retries and message logging switched off (the gateway owns retries and logs failures
/// itself), no response compression, and <see cref="ChatClient"/>s cached per model.
/// </summary>
public sealed class ProviderClientRegistry : IDisposable
{
    private readonly ConcurrentDictionary<string, ProviderClient> _clients = new(StringComparer.OrdinalIgnoreCase);
    private readonly IOptionsMonitor<ProvidersOptions> _options;
    private readonly Func<HttpMessageHandler>? _handler;

    public ProviderClientRegistry(IOptionsMonitor<ProvidersOptions> options)
    {
        _options = options;
    }

    /// <summary>Clients whose HTTP goes to <paramref name="handler"/> instead of the network (the start-up warm-up).</summary>
    internal ProviderClientRegistry(IOptionsMonitor<ProvidersOptions> options, Func<HttpMessageHandler> handler)
        : this(options)
    {
        _handler = handler;
    }

    /// <summary>The options of the provider of that name, or null when it is unknown.</summary>
    public ProviderOptions? FindOptions(string provider) =>
        _options.CurrentValue.Providers.TryGetValue(provider, out var options) ? options : null;

    /// <summary>The chat client for one model of one provider.</summary>
    public ChatClient GetChatClient(string provider, ProviderOptions options, string model) =>
        _clients.GetOrAdd(provider, static (name, state) => ProviderClient.Create(state.Options, state.Handler?.Invoke()), (Options: options, Handler: _handler)).GetChatClient(model);

    /// <summary>The embedding client for one model of one provider (same connection pool as its chat clients).</summary>
    public EmbeddingClient GetEmbeddingClient(string provider, ProviderOptions options, string model) =>
        _clients.GetOrAdd(provider, static (name, state) => ProviderClient.Create(state.Options, state.Handler?.Invoke()), (Options: options, Handler: _handler)).GetEmbeddingClient(model);

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        _clients.Clear();
    }

    private sealed class ProviderClient : IDisposable
    {
        private readonly HttpClient _http;
        private readonly OpenAIClient _client;
        private readonly ConcurrentDictionary<string, ChatClient> _chatClients = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, EmbeddingClient> _embeddingClients = new(StringComparer.Ordinal);

        private ProviderClient(HttpClient http, OpenAIClient client)
        {
            _http = http;
            _client = client;
        }

        public static ProviderClient Create(ProviderOptions options, HttpMessageHandler? replacement = null)
        {
            HttpMessageHandler handler = replacement ?? new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
                MaxConnectionsPerServer = int.MaxValue,
                // A cancelled stream must let go of its connection at once, not drain it for 2 s.
                ResponseDrainTimeout = TimeSpan.Zero,
                MaxResponseDrainSize = 0,
                ConnectTimeout = TimeSpan.FromSeconds(Math.Min(options.TimeoutSeconds, 30)),
                // No Accept-Encoding: chat answers are small, local servers do not compress, and a
                // compressed stream can hold tokens back; the decompression stage costs every request.
                AutomaticDecompression = System.Net.DecompressionMethods.None,
            };
            var http = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
            var clientOptions = new OpenAIClientOptions
            {
                Endpoint = new Uri(options.BaseUrl!.TrimEnd('/')),
                Transport = new HttpClientPipelineTransport(http),
                RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
                NetworkTimeout = Timeout.InfiniteTimeSpan,
                // The package's message logging policy would run on every call with nobody listening:
                // the gateway logs provider failures itself (ChatExecutor, ProviderGrain).
                ClientLoggingOptions = new ClientLoggingOptions { EnableLogging = false },
            };
            // The package needs a credential; servers without keys (Ollama, vLLM) ignore it.
            var key = string.IsNullOrEmpty(options.ApiKey) ? "no-key" : options.ApiKey;
            return new ProviderClient(http, new OpenAIClient(new ApiKeyCredential(key), clientOptions));
        }

        public ChatClient GetChatClient(string model) =>
            _chatClients.GetOrAdd(model, static (m, client) => client.GetChatClient(m), _client);

        public EmbeddingClient GetEmbeddingClient(string model) =>
            _embeddingClients.GetOrAdd(model, static (m, client) => client.GetEmbeddingClient(m), _client);

        public void Dispose() => _http.Dispose();
    }
}
