using System.ClientModel;
using System.ClientModel.Primitives;
using OrleansGateway.Secrets;
using OrleansGateway.Streaming;

namespace OrleansGateway.Providers;

/// <summary>
/// Makes one attempt of a chat completion against one provider through the <c>OpenAI</c> package,
/// bounded by the provider's timeout, and reports failures as <see cref="ProviderCallException"/>.
/// When the provider reports no usage, <paramref name="estimator"/> (when given) estimates it.
/// </summary>
public sealed class ProviderChatCaller(ProviderClientRegistry clients, TimeProvider time, SecretRedactor redactor, TokenUsageEstimator? estimator = null)
{
    /// <summary>
    /// One non-streaming attempt, through the package's protocol method: the gateway writes the body
    /// in one pass and reads the answer once, instead of building the package's models and mapping them.
    /// </summary>
    public async Task<ChatResult> CompleteAsync(ProviderRoute route, ProviderOptions options, ChatRequest request, CancellationToken cancellationToken)
    {
        EnsureConfigured(route.Provider, options);
        var client = clients.GetChatClient(route.Provider, options, route.Model);
        using var body = ChatCompletionRequestWriter.Write(request, route.Model, options, stream: false);
        var timeout = TimeSpan.FromSeconds(options.TimeoutSeconds);
        using var timeoutSource = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        ProviderCompletion completion;
        try
        {
            // Not buffered by the package (a MemoryStream grown chunk by chunk, then copied): read into a pooled buffer.
            var result = await client.CompleteChatAsync(body, new RequestOptions { BufferResponse = false, CancellationToken = linked.Token }).ConfigureAwait(false);
            using var response = result.GetRawResponse();
            completion = await ChatCompletionResponseReader.ReadAsync(response.ContentStream, linked.Token, keepBody: request.PassThrough is not null).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw ProviderErrors.Timeout(route.Provider, timeout);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            throw ProviderErrors.FromException(route.Provider, exception, time, redactor);
        }

        var usage = completion.Usage;
        if (usage is null && estimator is not null)
        {
            // Counting tokens of a long conversation takes a while: not on the socket thread that read the answer.
            await Task.Yield();
            usage = estimator.Estimate(request, completion.Content);
        }

        return new ChatResult(
            Id: string.IsNullOrEmpty(completion.Id) ? NewCompletionId() : completion.Id,
            Model: route.FullName,
            Content: completion.Content,
            FinishReason: completion.FinishReason,
            Usage: usage ?? TokenUsage.Zero,
            CreatedUnixSeconds: completion.CreatedUnixSeconds is { } created and > 0 ? created : time.GetUtcNow().ToUnixTimeSeconds())
        {
            ProviderBody = completion.Body,
        };
    }

    /// <summary>Fails fast, without a network call, for a provider that needs a key and has none.</summary>
    public static void EnsureConfigured(string provider, ProviderOptions options)
    {
        if (options.RequiresApiKey != false && string.IsNullOrEmpty(options.ApiKey))
        {
            throw new ProviderCallException(
                new GatewayError(GatewayErrorKind.ProviderNotConfigured,
                    $"Provider '{provider}' has no API key configured: set {provider.ToUpperInvariant().Replace('-', '_')}_API_KEY or Gateway:Providers:{provider}:ApiKey.")
                { Provider = provider },
                retryable: false);
        }
    }

    /// <summary>A fresh OpenAI-style completion id.</summary>
    public static string NewCompletionId() => "chatcmpl-" + Guid.NewGuid().ToString("N");
}
