using System.ClientModel;
using OpenAI.Chat;
using OrleansGateway.Chat;
using OrleansGateway.Errors;
using OrleansGateway.Streaming;
using GatewayMessage = OrleansGateway.Chat.ChatMessage;
using OpenAIMessage = OpenAI.Chat.ChatMessage;

namespace OrleansGateway.Providers;

/// <summary>
/// Makes one attempt of a chat completion against one provider through the <c>OpenAI</c> package,
/// bounded by the provider's timeout, and reports failures as <see cref="ProviderCallException"/>.
/// When the provider reports no usage, <paramref name="estimator"/> (when given) estimates it.
/// </summary>
public sealed class ProviderChatCaller(ProviderClientRegistry clients, TimeProvider time, TokenUsageEstimator? estimator = null)
{
    /// <summary>One non-streaming attempt.</summary>
    public async Task<ChatResult> CompleteAsync(ProviderRoute route, ProviderOptions options, ChatRequest request, CancellationToken cancellationToken)
    {
        EnsureConfigured(route.Provider, options);
        var client = clients.GetChatClient(route.Provider, options, route.Model);
        var messages = ToOpenAIMessages(request.Messages);
        var chatOptions = ToOpenAIOptions(request, options);
        var timeout = TimeSpan.FromSeconds(options.TimeoutSeconds);
        using var timeoutSource = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        try
        {
            ClientResult<ChatCompletion> result = await client.CompleteChatAsync(messages, chatOptions, linked.Token).ConfigureAwait(false);
            var completion = result.Value;
            var content = string.Concat(completion.Content.Select(part => part.Text));
            return new ChatResult(
                Id: string.IsNullOrEmpty(completion.Id) ? NewCompletionId() : completion.Id,
                Model: route.FullName,
                Content: content,
                FinishReason: ToWireFinishReason(completion.FinishReason),
                Usage: completion.Usage is { } usage
                    ? new TokenUsage(usage.InputTokenCount, usage.OutputTokenCount, usage.TotalTokenCount)
                    : estimator?.Estimate(request.Messages, content) ?? TokenUsage.Zero,
                CreatedUnixSeconds: completion.CreatedAt == default ? time.GetUtcNow().ToUnixTimeSeconds() : completion.CreatedAt.ToUnixTimeSeconds());
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw ProviderErrors.Timeout(route.Provider, timeout);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            throw ProviderErrors.FromException(route.Provider, exception, time);
        }
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

    /// <summary>The gateway's messages in the package's types.</summary>
    public static List<OpenAIMessage> ToOpenAIMessages(IEnumerable<GatewayMessage> messages) =>
        messages.Select(OpenAIMessage (message) => message.Role switch
        {
            "system" => new SystemChatMessage(message.Content),
            "developer" => new DeveloperChatMessage(message.Content),
            "assistant" => new AssistantChatMessage(message.Content),
            _ => new UserChatMessage(message.Content),
        }).ToList();

    /// <summary>The request's sampling and format settings in the package's options, with the token limit in the field the provider reads.</summary>
    public static ChatCompletionOptions ToOpenAIOptions(ChatRequest request, ProviderOptions provider)
    {
        var options = new ChatCompletionOptions
        {
            Temperature = request.Temperature,
            TopP = request.TopP,
            Seed = request.Seed,
            EndUserId = request.User,
        };
        if (request.MaxTokens is { } maxTokens)
        {
            if (provider.MaxTokensField == "max_tokens")
            {
                options.Patch.Set("$.max_tokens"u8, maxTokens);
            }
            else
            {
                options.MaxOutputTokenCount = maxTokens;
            }
        }

        foreach (var stop in request.Stop)
        {
            options.StopSequences.Add(stop);
        }

        // Metadata stays in the gateway: OpenAI accepts it only with store=true, and other servers reject it.
        options.ResponseFormat = request.ResponseFormat switch
        {
            null => null,
            { Type: "json_object" } => ChatResponseFormat.CreateJsonObjectFormat(),
            { Type: "json_schema", SchemaJson: { } schema } format => ChatResponseFormat.CreateJsonSchemaFormat(
                format.SchemaName ?? "response", BinaryData.FromString(schema), jsonSchemaIsStrict: format.Strict),
            _ => ChatResponseFormat.CreateTextFormat(),
        };
        return options;
    }

    /// <summary>The wire name of a finish reason.</summary>
    public static string ToWireFinishReason(ChatFinishReason reason) => reason switch
    {
        ChatFinishReason.Length => "length",
        ChatFinishReason.ContentFilter => "content_filter",
        ChatFinishReason.ToolCalls => "tool_calls",
        ChatFinishReason.FunctionCall => "function_call",
        _ => "stop",
    };
}
