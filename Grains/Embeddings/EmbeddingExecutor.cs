using System.Buffers;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json;
using OrleansGateway.Secrets;
using OrleansGateway.Telemetry;

namespace OrleansGateway.Embeddings;

/// <summary>
/// Runs an embedding request where it is called, as <see cref="ChatExecutor"/> runs a chat: for each
/// candidate (the model, the request's fallbacks, the configured chain) it takes a slot from the
/// provider's grain and retries retryable failures, then falls back. Each attempt goes through the
/// <c>OpenAI</c> package's <c>EmbeddingClient</c> protocol method with the request's fields as they came.
/// </summary>
public sealed class EmbeddingExecutor(
    ChatExecutor chat,
    ProviderClientRegistry registry,
    TimeProvider time,
    SecretRedactor redactor)
{
    /// <summary>Runs one embedding request and returns the provider's body or the last error.</summary>
    public async Task<EmbeddingOutcome> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken)
    {
        // The candidates are worked out as for a chat: same fallback rules, same configured chains, same loop.
        var (body, route, error) = await chat.RunCandidatesAsync(
            chat.Candidates(new ChatRequest(request.Model, []) { Fallbacks = request.Fallbacks }),
            new ProviderCallContext(ProviderCallContext.Embeddings, request.Model, request.Priority),
            async (attempt, ct) =>
            {
                var (answer, inputTokens) = await CallAsync(attempt.Route, attempt.Options, request, ct).ConfigureAwait(false);
                attempt.Telemetry.Succeeded(null, null, inputTokens is { } tokens ? new TokenUsage(tokens, 0, tokens) : null);
                return answer;
            },
            keepSlotOnSuccess: false, cancellationToken).ConfigureAwait(false);
        return body is not null ? EmbeddingOutcome.Success(body, route!.Value.FullName) : EmbeddingOutcome.Failure(error!);
    }

    /// <summary>One attempt against one provider, bounded by its timeout: the body, and the input tokens it reports.</summary>
    private async Task<(byte[] Body, int? InputTokens)> CallAsync(ProviderRoute route, ProviderOptions options, EmbeddingRequest request, CancellationToken cancellationToken)
    {
        var client = registry.GetEmbeddingClient(route.Provider, options, route.Model);
        using var content = WriteBody(request, route.Model);
        var timeout = TimeSpan.FromSeconds(options.TimeoutSeconds);
        using var timeoutSource = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        try
        {
            var result = await client.GenerateEmbeddingsAsync(content, new RequestOptions { CancellationToken = linked.Token }).ConfigureAwait(false);
            var body = result.GetRawResponse().Content.ToArray();
            return (body, ReadEmbeddings(body));
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw ProviderErrors.Timeout(route.Provider, timeout);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            throw ProviderErrors.FromException(route.Provider, exception, time, redactor);
        }
    }

    /// <summary>The provider body: the provider's own model name, then every field as the client sent it.</summary>
    public static BinaryContent WriteBody(EmbeddingRequest request, string model)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("model"u8, model);
            foreach (var field in request.Fields)
            {
                writer.WritePropertyName(field.Name);
                writer.WriteRawValue(field.Json, skipInputValidation: true);
            }

            writer.WriteEndObject();
        }

        return BinaryContent.Create(new BinaryData(buffer.WrittenMemory));
    }

    /// <summary>
    /// Throws <see cref="FormatException"/> unless the body is an object with a <c>data</c> array; returns its
    /// <c>usage.prompt_tokens</c>, null when it has none.
    /// </summary>
    private static int? ReadEmbeddings(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("data"u8, out var data) || data.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("the embeddings body has no 'data' array");
            }

            return document.RootElement.TryGetProperty("usage"u8, out var usage) && usage.ValueKind == JsonValueKind.Object
                && usage.TryGetProperty("prompt_tokens"u8, out var tokens) && tokens.TryGetInt32(out var count)
                ? count
                : null;
        }
        catch (JsonException exception)
        {
            throw new FormatException($"the embeddings body is not JSON ({exception.Message})", exception);
        }
    }
}
