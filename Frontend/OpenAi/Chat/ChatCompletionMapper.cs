using System.Collections.Immutable;
using System.Text;

namespace OrleansGateway.Frontend.OpenAi.Chat;

/// <summary>Validates an OpenAI chat completion request and turns it into a <see cref="ChatRequest"/>.</summary>
public static class ChatCompletionMapper
{
    private static readonly HashSet<string> s_roles = ["system", "developer", "user", "assistant", "tool", "function"];

    public static (ChatRequest? Request, GatewayError? Error) ToChatRequest(ChatCompletionRequest body, ModelResolver models)
    {
        if (models.Validate(body.Model) is { } modelError)
        {
            return (null, modelError);
        }

        if (models.ValidateFallbacks(body.Fallbacks) is { } fallbackError)
        {
            return (null, fallbackError);
        }

        if (body.Messages is not { ValueKind: JsonValueKind.Array } messageArray || messageArray.GetArrayLength() == 0)
        {
            return Fail("'messages' must be a non-empty array of messages.", "messages");
        }

        var messages = ImmutableArray.CreateBuilder<ChatMessage>(messageArray.GetArrayLength());
        var i = 0;
        foreach (var message in messageArray.EnumerateArray())
        {
            if (ReadMessage(message, i) is { } messageError)
            {
                return (null, messageError);
            }

            messages.Add(new ChatMessage(message.GetProperty("role"u8).GetString()!, PromptText(message)));
            i++;
        }

        if (body.Temperature is { } temperature && (temperature < 0 || temperature > 2 || double.IsNaN(temperature)))
        {
            return Fail($"Invalid 'temperature' {temperature}: must be between 0 and 2.", "temperature");
        }

        if (body.TopP is { } topP && (topP < 0 || topP > 1 || double.IsNaN(topP)))
        {
            return Fail($"Invalid 'top_p' {topP}: must be between 0 and 1.", "top_p");
        }

        var maxTokens = body.MaxCompletionTokens ?? body.MaxTokens;
        if (maxTokens is < 1)
        {
            return Fail($"Invalid '{(body.MaxCompletionTokens is null ? "max_tokens" : "max_completion_tokens")}' {maxTokens}: must be at least 1.",
                body.MaxCompletionTokens is null ? "max_tokens" : "max_completion_tokens");
        }

        if (!TryReadStop(body.Stop, out var stop))
        {
            return Fail("'stop' must be a string or an array of up to 4 strings.", "stop");
        }

        if (!TryReadResponseFormat(body.ResponseFormat, out var responseFormat, out var formatError))
        {
            return Fail(formatError, "response_format");
        }

        if (!TryReadMetadata(body.Metadata, out var metadata))
        {
            return Fail("'metadata' must be an object whose values are strings.", "metadata");
        }

        var request = new ChatRequest(body.Model!.Trim(), messages.ToImmutable())
        {
            MaxTokens = maxTokens,
            Temperature = body.Temperature is { } t ? (float)t : null,
            TopP = body.TopP is { } p ? (float)p : null,
            Stop = stop,
            Seed = body.Seed,
            ResponseFormat = responseFormat,
            User = body.User,
            Metadata = metadata,
            Fallbacks = body.Fallbacks is null ? [] : [.. body.Fallbacks],
            IncludeStreamUsage = body.StreamOptions?.IncludeUsage ?? false,
            PassThrough = new OpenAiPassThrough(messageArray.GetRawText(), PassThroughFields(body.Extra)),
        };
        return (request, null);
    }

    /// <summary>
    /// Reads a raw <c>/v1/chat/completions</c> body (UTF-8 JSON) into the request the gateway runs,
    /// with the same validation errors as the endpoint; for callers that hold the bytes (a batch line's <c>body</c>).
    /// </summary>
    public static (ChatRequest? Request, GatewayError? Error) FromJson(ReadOnlySpan<byte> json, ModelResolver models)
    {
        var body = RequestBodyReader.ReadBytes(json, GatewayJsonContext.Default.ChatCompletionRequest, "a chat completion");
        return body.Value is null ? (null, body.Error) : ToChatRequest(body.Value, models);
    }

    /// <summary>The fields forwarded unchanged: all a typed request body did not read (its extension data).</summary>
    public static ImmutableArray<PassThroughField> PassThroughFields(Dictionary<string, JsonElement>? extra)
    {
        if (extra is null || extra.Count == 0)
        {
            return [];
        }

        var fields = ImmutableArray.CreateBuilder<PassThroughField>(extra.Count);
        foreach (var (name, value) in extra)
        {
            fields.Add(new PassThroughField(name, value.GetRawText()));
        }

        return fields.MoveToImmutable();
    }

    /// <summary>What the gateway checks of one message: an object with a known role, and content that is a string, an array of typed parts, null or absent.</summary>
    private static GatewayError? ReadMessage(JsonElement message, int index)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            return GatewayError.Invalid($"messages[{index}] must be an object with a 'role'.", $"messages[{index}]");
        }

        if (!message.TryGetProperty("role"u8, out var role) || role.ValueKind != JsonValueKind.String || !s_roles.Contains(role.GetString()!))
        {
            var was = role.ValueKind == JsonValueKind.String ? role.GetString() : null;
            return GatewayError.Invalid($"messages[{index}].role must be one of system, developer, user, assistant, tool, function (was '{was}').", $"messages[{index}].role");
        }

        if (message.TryGetProperty("content"u8, out var content))
        {
            var valid = content.ValueKind switch
            {
                JsonValueKind.String or JsonValueKind.Null => true,
                JsonValueKind.Array => content.EnumerateArray().All(p => p.ValueKind == JsonValueKind.Object
                    && p.TryGetProperty("type"u8, out var type) && type.ValueKind == JsonValueKind.String),
                _ => false,
            };
            if (!valid)
            {
                return GatewayError.Invalid($"messages[{index}].content must be a string, null, or an array of content parts with a 'type'.", $"messages[{index}].content");
            }
        }

        return null;
    }

    /// <summary>
    /// A message's text as the gateway counts it (token estimates, classification): its text parts,
    /// and the names and arguments of its tool or function calls. Other parts (images, audio, files)
    /// are not fetched and count nothing.
    /// </summary>
    private static string PromptText(JsonElement message)
    {
        var text = message.TryGetProperty("content"u8, out var content) && content.ValueKind == JsonValueKind.String
            ? content.GetString()!
            : string.Empty;
        var builder = (StringBuilder?)null;
        if (content.ValueKind == JsonValueKind.Array)
        {
            builder = new StringBuilder();
            foreach (var part in content.EnumerateArray())
            {
                if (part.TryGetProperty("text"u8, out var partText) && partText.ValueKind == JsonValueKind.String)
                {
                    builder.Append(partText.GetString());
                }
            }
        }

        if (message.TryGetProperty("tool_calls"u8, out var toolCalls) && toolCalls.ValueKind == JsonValueKind.Array)
        {
            builder ??= new StringBuilder(text);
            foreach (var call in toolCalls.EnumerateArray())
            {
                if (call.ValueKind == JsonValueKind.Object && call.TryGetProperty("function"u8, out var function))
                {
                    AppendCall(builder, function);
                }
            }
        }

        if (message.TryGetProperty("function_call"u8, out var functionCall))
        {
            builder ??= new StringBuilder(text);
            AppendCall(builder, functionCall);
        }

        return builder?.ToString() ?? text;
    }

    private static void AppendCall(StringBuilder builder, JsonElement function)
    {
        if (function.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var name in (ReadOnlySpan<string>)["name", "arguments"])
        {
            if (function.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
            {
                builder.Append(' ').Append(value.GetString());
            }
        }
    }

    private static (ChatRequest?, GatewayError?) Fail(string message, string param) => (null, GatewayError.Invalid(message, param));

    /// <summary>Content as a string, or the text parts of a content array joined.</summary>
    public static bool TryReadContent(JsonElement? content, out string text)
    {
        text = string.Empty;
        switch (content?.ValueKind)
        {
            case JsonValueKind.String:
                text = content.Value.GetString()!;
                return true;
            case JsonValueKind.Array:
                var builder = new StringBuilder();
                foreach (var part in content.Value.EnumerateArray())
                {
                    if (part.ValueKind != JsonValueKind.Object
                        || !part.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String
                        || type.GetString() is not ("text" or "input_text")
                        || !part.TryGetProperty("text", out var partText) || partText.ValueKind != JsonValueKind.String)
                    {
                        return false;
                    }

                    builder.Append(partText.GetString());
                }

                text = builder.ToString();
                return true;
            default:
                return false;
        }
    }

    private static bool TryReadStop(JsonElement? stop, out ImmutableArray<string> sequences)
    {
        sequences = [];
        switch (stop?.ValueKind)
        {
            case null or JsonValueKind.Null:
                return true;
            case JsonValueKind.String:
                sequences = [stop.Value.GetString()!];
                return true;
            case JsonValueKind.Array when stop.Value.GetArrayLength() <= 4 && stop.Value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String):
                sequences = [.. stop.Value.EnumerateArray().Select(e => e.GetString()!)];
                return true;
            default:
                return false;
        }
    }

    private static bool TryReadResponseFormat(JsonElement? element, out ResponseFormatSpec? format, out string error)
    {
        format = null;
        error = string.Empty;
        if (element is null || element.Value.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.Value.ValueKind != JsonValueKind.Object
            || !element.Value.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
        {
            error = "'response_format' must be an object with a 'type' of text, json_object or json_schema.";
            return false;
        }

        switch (type.GetString())
        {
            case "text":
            case "json_object":
                format = new ResponseFormatSpec(type.GetString()!);
                return true;
            case "json_schema":
                if (!element.Value.TryGetProperty("json_schema", out var jsonSchema) || jsonSchema.ValueKind != JsonValueKind.Object
                    || !jsonSchema.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String
                    || !jsonSchema.TryGetProperty("schema", out var schema) || schema.ValueKind != JsonValueKind.Object)
                {
                    error = "'response_format.json_schema' must be an object with a 'name' and a 'schema' object.";
                    return false;
                }

                bool? strict = jsonSchema.TryGetProperty("strict", out var s) && s.ValueKind is JsonValueKind.True or JsonValueKind.False ? s.GetBoolean() : null;
                format = new ResponseFormatSpec("json_schema", name.GetString(), schema.GetRawText(), strict);
                return true;
            default:
                error = $"Unknown 'response_format.type' '{type.GetString()}': expected text, json_object or json_schema.";
                return false;
        }
    }

    private static bool TryReadMetadata(Dictionary<string, JsonElement>? metadata, out ImmutableDictionary<string, string> values)
    {
        values = ImmutableDictionary<string, string>.Empty;
        if (metadata is null)
        {
            return true;
        }

        var builder = ImmutableDictionary.CreateBuilder<string, string>();
        foreach (var (key, value) in metadata)
        {
            if (value.ValueKind != JsonValueKind.String)
            {
                return false;
            }

            builder[key] = value.GetString()!;
        }

        values = builder.ToImmutable();
        return true;
    }
}
