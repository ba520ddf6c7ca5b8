using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using OrleansGateway.Chat;
using OrleansGateway.Errors;
using OrleansGateway.Frontend.Chat;

namespace OrleansGateway.Frontend.OpenAi;

/// <summary>Validates an OpenAI chat completion request and turns it into a <see cref="ChatRequest"/>.</summary>
public static class ChatCompletionMapper
{
    private static readonly HashSet<string> s_roles = ["system", "user", "assistant", "developer"];

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

        if (body.Messages is null || body.Messages.Count == 0)
        {
            return Fail("'messages' must be a non-empty array of messages.", "messages");
        }

        var messages = ImmutableArray.CreateBuilder<ChatMessage>(body.Messages.Count);
        for (var i = 0; i < body.Messages.Count; i++)
        {
            var message = body.Messages[i];
            if (message is null)
            {
                return Fail($"messages[{i}] must be an object with 'role' and 'content'.", $"messages[{i}]");
            }

            if (message.Role is null || !s_roles.Contains(message.Role))
            {
                return Fail($"messages[{i}].role must be one of system, user, assistant, developer (was '{message.Role}').", $"messages[{i}].role");
            }

            if (!TryReadContent(message.Content, out var content))
            {
                return Fail($"messages[{i}].content must be a string or an array of text parts.", $"messages[{i}].content");
            }

            messages.Add(new ChatMessage(message.Role, content));
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

        if (body.N is { } n && n != 1)
        {
            return Fail("Only n=1 is supported.", "n");
        }

        if (body.Tools is { ValueKind: JsonValueKind.Array } tools && tools.GetArrayLength() > 0)
        {
            return Fail("Tool calling is not supported by this gateway yet.", "tools");
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
        };
        return (request, null);
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
