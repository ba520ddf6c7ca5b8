using System.Collections.Immutable;
using OrleansGateway.Embeddings;

namespace OrleansGateway.Frontend.OpenAi.Embeddings;

/// <summary>
/// Validates an OpenAI embeddings request and turns it into an <see cref="EmbeddingRequest"/>, and
/// an outcome into the exact response body; shared by <c>/v1/embeddings</c> and anything that holds
/// such a body as bytes (a batch line).
/// </summary>
public static class EmbeddingsMapper
{
    /// <summary>The request the gateway runs, or the 400/404 error naming the field.</summary>
    public static (EmbeddingRequest? Request, GatewayError? Error) ToRequest(EmbeddingsCreateRequest body, ModelResolver models)
    {
        if (models.Validate(body.Model) is { } modelError)
        {
            return (null, modelError);
        }

        if (models.ValidateFallbacks(body.Fallbacks) is { } fallbackError)
        {
            return (null, fallbackError);
        }

        if (!IsInput(body.Input))
        {
            return Fail("'input' must be a non-empty string, an array of strings, an array of token ids, or an array of token-id arrays.", "input");
        }

        if (body.EncodingFormat is { } format && format.ValueKind != JsonValueKind.Null
            && !(format.ValueKind == JsonValueKind.String && format.GetString() is "float" or "base64"))
        {
            return Fail("'encoding_format' must be 'float' or 'base64'.", "encoding_format");
        }

        if (body.Dimensions is { } dimensions && dimensions.ValueKind != JsonValueKind.Null
            && !(dimensions.ValueKind == JsonValueKind.Number && dimensions.TryGetInt32(out var d) && d >= 1))
        {
            return Fail("'dimensions' must be an integer of at least 1.", "dimensions");
        }

        var fields = ImmutableArray.CreateBuilder<PassThroughField>();
        fields.Add(new PassThroughField("input", body.Input!.Value.GetRawText()));
        if (body.EncodingFormat is { } f)
        {
            fields.Add(new PassThroughField("encoding_format", f.GetRawText()));
        }

        if (body.Dimensions is { } dims)
        {
            fields.Add(new PassThroughField("dimensions", dims.GetRawText()));
        }

        fields.AddRange(ChatCompletionMapper.PassThroughFields(body.Extra));

        var request = new EmbeddingRequest(body.Model!.Trim(), fields.ToImmutable())
        {
            Fallbacks = body.Fallbacks is null ? [] : [.. body.Fallbacks],
        };
        return (request, null);
    }

    /// <summary>Reads a raw <c>/v1/embeddings</c> body (UTF-8 JSON) into the request the gateway runs, with the endpoint's validation errors.</summary>
    public static (EmbeddingRequest? Request, GatewayError? Error) FromJson(ReadOnlySpan<byte> json, ModelResolver models)
    {
        var body = RequestBodyReader.ReadBytes(json, GatewayJsonContext.Default.EmbeddingsCreateRequest, "an embeddings request", "input");
        return body.Value is null ? (null, body.Error) : ToRequest(body.Value, models);
    }

    /// <summary>The response body: the provider's, with <c>model</c> rewritten to the <c>provider/model</c> that answered.</summary>
    public static byte[] ToResponseBody(EmbeddingOutcome outcome) =>
        outcome.Succeeded ? ChatCompletionBody.WithModel(outcome.Body, outcome.Model) : throw new InvalidOperationException("The outcome is an error.");

    private static bool IsInput(JsonElement? input)
    {
        switch (input?.ValueKind)
        {
            case JsonValueKind.String:
                return input.Value.GetString()!.Length > 0;
            case JsonValueKind.Array when input.Value.GetArrayLength() > 0:
                var items = input.Value.EnumerateArray();
                return items.All(i => i.ValueKind == JsonValueKind.String)
                    || items.All(i => i.ValueKind == JsonValueKind.Number && i.TryGetInt32(out _))
                    || items.All(i => i.ValueKind == JsonValueKind.Array && i.GetArrayLength() > 0
                        && i.EnumerateArray().All(t => t.ValueKind == JsonValueKind.Number && t.TryGetInt32(out _)));
            default:
                return false;
        }
    }

    private static (EmbeddingRequest?, GatewayError?) Fail(string message, string param) => (null, GatewayError.Invalid(message, param));
}
