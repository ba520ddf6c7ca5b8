using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using OrleansGateway.Secrets;

namespace OrleansGateway.Providers;

/// <summary>
/// Runs one non-streaming provider call through the gateway's own code (<see cref="ProviderChatCaller"/>: the
/// request writer, the <c>OpenAI</c> package's protocol call and its pipeline, the response reader) against an
/// in-memory answer, so that a fresh process's first requests do not pay for compiling that path. Nothing
/// leaves the process: the client's HTTP handler answers every request itself.
/// </summary>
public static class ProviderCallWarmUp
{
    private const string Provider = "gateway-warm-up";

    private static readonly byte[] s_answer = """
        {"id":"chatcmpl-warm-up","object":"chat.completion","created":1767225600,"model":"warm-up",
         "choices":[{"index":0,"message":{"role":"assistant","content":"ready"},"finish_reason":"stop"}],
         "usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}
        """u8.ToArray();

    /// <summary>One call; returns what the in-memory provider answered (its content: <c>ready</c>).</summary>
    public static async Task<ChatResult> RunAsync(SecretRedactor redactor, TimeProvider time, CancellationToken cancellationToken)
    {
        var options = new ProviderOptions { BaseUrl = "http://warm-up.invalid/v1", ApiKey = "warm-up", TimeoutSeconds = 10 };
        using var clients = new ProviderClientRegistry(
            new StaticOptionsMonitor<ProvidersOptions>(new ProvidersOptions()),
            static () => new InMemoryAnswer());
        var caller = new ProviderChatCaller(clients, time, redactor);
        var request = new ChatRequest(Provider + "/warm-up", [new ChatMessage("system", "Warm-up."), new ChatMessage("user", "Say ready.")])
        {
            MaxTokens = 8,
            Temperature = 0,
        };
        return await caller.CompleteAsync(new ProviderRoute(Provider, "warm-up"), options, request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Answers every request with <see cref="s_answer"/> after reading its body, as a provider would.</summary>
    private sealed class InMemoryAnswer : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Content is not null)
            {
                await request.Content.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
            }

            // Forward-only, as a network answer is (the package treats a seekable stream as one it buffered itself).
            var pipe = new Pipe();
            await pipe.Writer.WriteAsync(s_answer, cancellationToken).ConfigureAwait(false);
            await pipe.Writer.CompleteAsync().ConfigureAwait(false);
            var content = new StreamContent(pipe.Reader.AsStream());
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request };
        }
    }

    private sealed class StaticOptionsMonitor<T>(T value) : IOptionsMonitor<T>
    {
        public T CurrentValue => value;

        public T Get(string? name) => value;

        public IDisposable? OnChange(Action<T, string?> listener) => null;
    }
}
