using System.Text;
using System.Text.Json;
using OrleansGateway.Chat;

namespace OrleansGateway.Providers;

/// <summary>
/// Reads the data of one server-sent event of an OpenAI chat completion stream
/// (<c>chat.completion.chunk</c>, <c>[DONE]</c>, or an <c>error</c> object) in one forward pass over
/// its bytes, for <see cref="System.Net.ServerSentEvents.SseParser"/>. Data that is not such JSON
/// throws <see cref="FormatException"/>.
/// </summary>
public static class ChatCompletionChunkReader
{
    /// <summary>Reads one event's data.</summary>
    public static ProviderChunk Read(ReadOnlySpan<byte> data)
    {
        if (data.Trim(" \r\n\t"u8).SequenceEqual("[DONE]"u8))
        {
            return ProviderChunk.DoneMarker;
        }

        try
        {
            return ReadJson(data);
        }
        catch (JsonException exception)
        {
            throw new FormatException($"a stream event is not a chat completion chunk ({exception.Message})", exception);
        }
        catch (InvalidOperationException exception)
        {
            throw new FormatException($"a stream event is not a chat completion chunk ({exception.Message})", exception);
        }
    }

    private static ProviderChunk ReadJson(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new FormatException("a stream event is not a JSON object");
        }

        string? id = null, text = null, finishReason = null, error = null;
        TokenUsage? usage = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                id = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("choices"u8))
            {
                reader.Read();
                (text, finishReason) = ReadFirstChoice(ref reader);
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                usage = ReadUsage(ref reader);
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                error = ReadError(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new ProviderChunk(id, text, finishReason is null ? null : ChatCompletionResponseReader.WireFinishReason(finishReason), usage, error, Done: false);
    }

    private static (string? Text, string? FinishReason) ReadFirstChoice(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return (null, null);
        }

        string? text = null, finishReason = null;
        var first = true;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (!first || reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            first = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("delta"u8))
                {
                    reader.Read();
                    text = ReadDeltaContent(ref reader);
                }
                else if (reader.ValueTextEquals("finish_reason"u8))
                {
                    reader.Read();
                    finishReason = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }

        return (text, finishReason);
    }

    private static string? ReadDeltaContent(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        string? text = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isContent = reader.ValueTextEquals("content"u8);
            reader.Read();
            if (!isContent)
            {
                reader.Skip();
            }
            else if (reader.TokenType == JsonTokenType.String)
            {
                text = reader.GetString();
            }
            else if (reader.TokenType == JsonTokenType.StartArray)
            {
                text = ReadContentParts(ref reader);
            }
            else
            {
                reader.Skip();
            }
        }

        return text;
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
}
