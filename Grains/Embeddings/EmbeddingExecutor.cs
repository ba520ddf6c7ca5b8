using System.Buffers;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using OrleansGateway.Chat;
using OrleansGateway.Errors;
using OrleansGateway.Providers;
using OrleansGateway.Secrets;

namespace OrleansGateway.Embeddings;

/// <summary>
/// Runs an embedding request where it is called, as <see cref="ChatExecutor"/> runs a chat: for each
/// candidate (the model, the request's fallbacks, the configured chain) it takes a slot from the
/// provider's grain and retries retryable failures, then falls back. Each attempt goes through the
/// <c>OpenAI</c> package's <c>EmbeddingClient</c> protocol method with the request's fields as they came.
/// </summary>
public sealed partial class EmbeddingExecutor(
    ChatExecutor chat,
    ProviderClientRegistry registry,
    TimeProvider time,
    SecretRedactor redactor,
    ILogger<EmbeddingExecutor> logger)
{
    /// <summary>Runs one embedding request and returns the provider's body or the last error.</summary>
    public async Task<EmbeddingOutcome> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken)
    {
        GatewayError? lastError = null;
        // The candidates are worked out as for a chat: same fallback rules, same configured chains.
        foreach (var route in chat.Candidates(new ChatRequest(request.Model, []) { Fallbacks = request.Fallbacks }))
        {
            var options = registry.FindOptions(route.Provider);
            if (options is null)
            {
                lastError = new GatewayError(GatewayErrorKind.InvalidRequest, $"Unknown provider '{route.Provider}' in model '{route.FullName}'.") { Param = "model" };
                continue;
            }

            try
            {
                var body = await chat.RunWithRetriesAsync(route, options, request.Priority,
                    ct => CallAsync(route, options, request, ct), cancellationToken).ConfigureAwait(false);
                return EmbeddingOutcome.Success(body, route.FullName);
            }
            catch (ProviderCallException exception)
            {
                lastError = exception.Error;
                if (exception.Error.Kind == GatewayErrorKind.Cancelled)
                {
                    break;
                }

                Log.CandidateFailed(logger, route.FullName, exception.Error.Kind, exception.Error.Message);
            }
        }

        return EmbeddingOutcome.Failure(lastError ?? new GatewayError(GatewayErrorKind.Internal, "No model could be tried."));
    }

    /// <summary>One attempt against one provider, bounded by its timeout.</summary>
    private async Task<byte[]> CallAsync(ProviderRoute route, ProviderOptions options, EmbeddingRequest request, CancellationToken cancellationToken)
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
            EnsureEmbeddings(body);
            return body;
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

    /// <summary>Throws <see cref="FormatException"/> unless the body is an object with a <c>data</c> array.</summary>
    private static void EnsureEmbeddings(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("data"u8, out var data) || data.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("the embeddings body has no 'data' array");
            }
        }
        catch (JsonException exception)
        {
            throw new FormatException($"the embeddings body is not JSON ({exception.Message})", exception);
        }
    }
}
