using System.Text;
using System.Text.Json;

namespace OrleansGateway.Providers;

/// <summary>
/// What the gateway reads of an OpenAI <c>chat.completion</c> body or <c>chat.completion.chunk</c>
/// event: the id, the creation time, how many choices there are, the first choice's text
/// (<c>message.content</c> or <c>delta.content</c>, a string or the text parts of an array) and raw
/// finish reason, the usage, and an <c>error</c> object's message. Null where the JSON has none.
/// </summary>
internal readonly record struct ChatCompletionFields(
    string? Id, long? CreatedUnixSeconds, int Choices, string? Text, string? FinishReason, TokenUsage? Usage, string? Error)
{
    /// <summary>Whether the first choice's message or delta has a non-null field besides <c>role</c> and <c>content</c> (tool calls, refusal, audio...).</summary>
    public bool HasOtherDelta { get; init; }
}

/// <summary>
/// One forward pass with <see cref="Utf8JsonReader"/> over a completion body or a stream event, shared
/// by <see cref="ChatCompletionResponseReader"/> and <see cref="ChatCompletionChunkReader"/>. JSON
/// that is malformed or not an object throws <see cref="FormatException"/> naming <c>what</c> it was.
/// </summary>
internal static class ChatCompletionJson
{
    public static ChatCompletionFields Parse(ReadOnlySpan<byte> json, string what)
    {
        try
        {
            return ParseObject(json, what);
        }
        catch (JsonException exception)
        {
            throw new FormatException($"{what} is not JSON ({exception.Message})", exception);
        }
        catch (InvalidOperationException exception)
        {
            throw new FormatException($"{what} is not JSON ({exception.Message})", exception);
        }
    }

    private static ChatCompletionFields ParseObject(ReadOnlySpan<byte> json, string what)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new FormatException($"{what} is not a JSON object");
        }

        var fields = new ChatCompletionFields(null, null, 0, null, null, null, null);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            // ValueTextEquals, not the raw bytes: a property name may be written with escapes.
            var property = reader.ValueTextEquals("id"u8) ? Property.Id
                : reader.ValueTextEquals("created"u8) ? Property.Created
                : reader.ValueTextEquals("choices"u8) ? Property.Choices
                : reader.ValueTextEquals("usage"u8) ? Property.Usage
                : reader.ValueTextEquals("error"u8) ? Property.Error
                : Property.Other;
            reader.Read();
            fields = property switch
            {
                Property.Id => fields with { Id = StringOrNull(ref reader) },
                Property.Created => fields with { CreatedUnixSeconds = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var created) ? created : null },
                Property.Choices => ReadChoices(ref reader, fields),
                Property.Usage => fields with { Usage = ReadUsage(ref reader) },
                Property.Error => fields with { Error = ReadError(ref reader) },
                _ => Skip(ref reader, fields),
            };
        }

        return fields;
    }

    private static ChatCompletionFields ReadChoices(ref Utf8JsonReader reader, ChatCompletionFields fields)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return fields;
        }

        var count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (count++ > 0 || reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isMessage = reader.ValueTextEquals("message"u8) || reader.ValueTextEquals("delta"u8);
                var isFinishReason = reader.ValueTextEquals("finish_reason"u8);
                reader.Read();
                if (isMessage)
                {
                    var (text, other) = ReadMessageContent(ref reader);
                    fields = fields with { Text = text, HasOtherDelta = other };
                }
                else if (isFinishReason)
                {
                    fields = fields with { FinishReason = StringOrNull(ref reader) };
                }
                else
                {
                    reader.Skip();
                }
            }
        }

        return fields with { Choices = count };
    }

    private static (string? Text, bool Other) ReadMessageContent(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return (null, false);
        }

        string? text = null;
        var other = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isContent = reader.ValueTextEquals("content"u8);
            var isRole = reader.ValueTextEquals("role"u8);
            reader.Read();
            other |= !isContent && !isRole && reader.TokenType != JsonTokenType.Null;
            if (isContent && reader.TokenType == JsonTokenType.String)
            {
                text = reader.GetString();
            }
            else if (isContent && reader.TokenType == JsonTokenType.StartArray)
            {
                text = ReadContentParts(ref reader);
            }
            else
            {
                reader.Skip();
            }
        }

        return (text, other);
    }

    private static string ReadContentParts(ref Utf8JsonReader reader)
    {
        var text = new StringBuilder();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isText = reader.ValueTextEquals("text"u8);
                reader.Read();
                if (isText && reader.TokenType == JsonTokenType.String)
                {
                    text.Append(reader.GetString());
                }
                else
                {
                    reader.Skip();
                }
            }
        }

        return text.ToString();
    }

    private static TokenUsage? ReadUsage(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        int prompt = 0, completion = 0;
        int? total = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueTextEquals("prompt_tokens"u8) ? 1 : reader.ValueTextEquals("completion_tokens"u8) ? 2 : reader.ValueTextEquals("total_tokens"u8) ? 3 : 0;
            reader.Read();
            if (name == 0 || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var value))
            {
                reader.Skip();
                continue;
            }

            switch (name)
            {
                case 1: prompt = value; break;
                case 2: completion = value; break;
                default: total = value; break;
            }
        }

        return new TokenUsage(prompt, completion, total ?? prompt + completion);
    }

    private static string ReadError(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString() ?? "error";
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return "error";
        }

        string? message = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isMessage = reader.ValueTextEquals("message"u8);
            reader.Read();
            if (isMessage && reader.TokenType == JsonTokenType.String)
            {
                message = reader.GetString();
            }
            else
            {
                reader.Skip();
            }
        }

        return message ?? "error";
    }

    private static ChatCompletionFields Skip(ref Utf8JsonReader reader, ChatCompletionFields fields)
    {
        reader.Skip();
        return fields;
    }

    private static string? StringOrNull(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }

        reader.Skip();
        return null;
    }

    private enum Property
    {
        Other,
        Id,
        Created,
        Choices,
        Usage,
        Error,
    }
}
