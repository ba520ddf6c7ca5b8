using System.Buffers;
using System.ClientModel;
using System.Text.Json;

namespace OrleansGateway.Providers;

/// <summary>
/// Writes the body of an OpenAI <c>POST /chat/completions</c> request for one provider, in one pass
/// with <see cref="Utf8JsonWriter"/>, for the <c>OpenAI</c> package's protocol methods. It writes what
/// the package's typed <c>ChatCompletionOptions</c> would: the model, the messages, the sampling
/// settings, the token limit in the field the provider reads, stop sequences and the response format.
/// A request from the OpenAI surface (<see cref="ChatRequest.PassThrough"/>) has its messages and every
/// field the gateway does not own copied as they came.
/// </summary>
public static class ChatCompletionRequestWriter
{
    /// <summary>The request body as content for a protocol method.</summary>
    public static BinaryContent Write(ChatRequest request, string model, ProviderOptions provider, bool stream)
    {
        var buffer = new ArrayBufferWriter<byte>(EstimateSize(request));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteBody(writer, request, model, provider, stream);
        }

        return BinaryContent.Create(new BinaryData(buffer.WrittenMemory));
    }

    /// <summary>Writes the request body as one JSON object.</summary>
    public static void WriteBody(Utf8JsonWriter writer, ChatRequest request, string model, ProviderOptions provider, bool stream)
    {
        writer.WriteStartObject();
        writer.WriteString("model"u8, model);
        if (request.PassThrough is { } passThrough)
        {
            // The client's messages as they came (tool calls, content parts, names), and every field the gateway does not own.
            writer.WritePropertyName("messages"u8);
            writer.WriteRawValue(passThrough.MessagesJson, skipInputValidation: true);
            foreach (var field in passThrough.Fields)
            {
                writer.WritePropertyName(field.Name);
                writer.WriteRawValue(field.Json, skipInputValidation: true);
            }
        }
        else
        {
            writer.WriteStartArray("messages"u8);
            foreach (var message in request.Messages)
            {
                writer.WriteStartObject();
                writer.WriteString("role"u8, WireRole(message.Role));
                writer.WriteString("content"u8, message.Content);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        if (request.Temperature is { } temperature)
        {
            writer.WriteNumber("temperature"u8, temperature);
        }

        if (request.TopP is { } topP)
        {
            writer.WriteNumber("top_p"u8, topP);
        }

        if (request.Seed is { } seed)
        {
            writer.WriteNumber("seed"u8, seed);
        }

        if (request.User is { } user)
        {
            writer.WriteString("user"u8, user);
        }

        if (request.MaxTokens is { } maxTokens)
        {
            writer.WriteNumber(provider.MaxTokensField == "max_tokens" ? "max_tokens"u8 : "max_completion_tokens"u8, maxTokens);
        }

        if (!request.Stop.IsDefaultOrEmpty)
        {
            writer.WriteStartArray("stop"u8);
            foreach (var stop in request.Stop)
            {
                writer.WriteStringValue(stop);
            }

            writer.WriteEndArray();
        }

        // Metadata stays in the gateway: OpenAI accepts it only with store=true, and other servers reject it.
        if (request.ResponseFormat is { } format)
        {
            WriteResponseFormat(writer, format);
        }

        if (stream)
        {
            writer.WriteBoolean("stream"u8, true);
            writer.WriteStartObject("stream_options"u8);
            writer.WriteBoolean("include_usage"u8, true);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    /// <summary>The role as sent: system, developer and assistant as they are, anything else as user.</summary>
    public static string WireRole(string role) => role switch
    {
        "system" or "developer" or "assistant" => role,
        _ => "user",
    };

    private static void WriteResponseFormat(Utf8JsonWriter writer, ResponseFormatSpec format)
    {
        writer.WriteStartObject("response_format"u8);
        switch (format)
        {
            case { Type: "json_object" }:
                writer.WriteString("type"u8, "json_object"u8);
                break;
            case { Type: "json_schema", SchemaJson: { } schema }:
                writer.WriteString("type"u8, "json_schema"u8);
                writer.WriteStartObject("json_schema"u8);
                writer.WriteString("name"u8, format.SchemaName ?? "response");
                writer.WritePropertyName("schema"u8);
                writer.WriteRawValue(schema);
                if (format.Strict is { } strict)
                {
                    writer.WriteBoolean("strict"u8, strict);
                }

                writer.WriteEndObject();
                break;
            default:
                writer.WriteString("type"u8, "text"u8);
                break;
        }

        writer.WriteEndObject();
    }

    private static int EstimateSize(ChatRequest request)
    {
        var size = 256 + (request.ResponseFormat?.SchemaJson?.Length ?? 0);
        if (request.PassThrough is { } passThrough)
        {
            size += passThrough.MessagesJson.Length;
            foreach (var field in passThrough.Fields)
            {
                size += 8 + field.Name.Length + field.Json.Length;
            }

            return size;
        }

        foreach (var message in request.Messages)
        {
            size += 32 + message.Content.Length;
        }

        return size;
    }
}
