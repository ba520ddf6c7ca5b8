using System.Buffers;

namespace OrleansGateway.Frontend.OpenAi.Chat;

/// <summary>
/// The exact bytes the OpenAI surface answers for a chat completion. A result that kept the
/// provider's body (<see cref="ChatResult.ProviderBody"/>) is answered with that body, every field
/// intact (tool calls, several choices, logprobs, usage details, system fingerprint), with
/// <c>model</c> rewritten to the <c>provider/model</c> that answered and <c>usage</c> filled in
/// with the gateway's estimate when the provider sent none. Stream chunks get the same model rewrite.
/// </summary>
public static class ChatCompletionBody
{
    /// <summary>The <c>chat.completion</c> body for <paramref name="result"/>, as UTF-8 JSON.</summary>
    public static byte[] Write(ChatResult result)
    {
        if (result.ProviderBody is not { } body)
        {
            return JsonSerializer.SerializeToUtf8Bytes(ChatCompletionsApi.ToResponse(result), GatewayJsonContext.Default.ChatCompletionResponse);
        }

        return Rewrite(body, result.Model, result.Usage);
    }

    /// <summary>A provider's <c>chat.completion.chunk</c> with <c>model</c> rewritten, as UTF-8 JSON.</summary>
    public static byte[] WriteChunk(string rawChunk, string model) =>
        Rewrite(System.Text.Encoding.UTF8.GetBytes(rawChunk), model, usage: null);

    /// <summary>A JSON object (an OpenAI response body) with <c>model</c> rewritten to <paramref name="model"/>, everything else as it came.</summary>
    public static byte[] WithModel(ReadOnlySpan<byte> json, string model) => Rewrite(json, model, usage: null);

    private static byte[] Rewrite(ReadOnlySpan<byte> json, string model, TokenUsage? usage)
    {
        var reader = new Utf8JsonReader(json);
        var buffer = new ArrayBufferWriter<byte>(json.Length + 64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            reader.Read();
            writer.WriteStartObject();
            var wroteModel = false;
            var wroteUsage = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("model"u8))
                {
                    reader.Read();
                    reader.Skip();
                    writer.WriteString("model"u8, model);
                    wroteModel = true;
                    continue;
                }

                if (usage is not null && reader.ValueTextEquals("usage"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Null)
                    {
                        continue;
                    }

                    wroteUsage = true;
                    writer.WritePropertyName("usage"u8);
                    writer.WriteRawValue(ValueSpan(ref reader, json), skipInputValidation: true);
                    continue;
                }

                if (reader.ValueIsEscaped)
                {
                    writer.WritePropertyName(reader.GetString()!);
                }
                else
                {
                    writer.WritePropertyName(reader.ValueSpan);
                }

                reader.Read();
                writer.WriteRawValue(ValueSpan(ref reader, json), skipInputValidation: true);
            }

            if (!wroteModel)
            {
                writer.WriteString("model"u8, model);
            }

            if (usage is not null && !wroteUsage)
            {
                writer.WritePropertyName("usage"u8);
                JsonSerializer.Serialize(writer, OpenAiUsage.From(usage), GatewayJsonContext.Default.OpenAiUsage);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The raw bytes of the value the reader is on (a token, or a whole object or array), leaving the reader at its end.</summary>
    private static ReadOnlySpan<byte> ValueSpan(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        var start = (int)reader.TokenStartIndex;
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            reader.Skip();
        }

        var end = (int)reader.TokenStartIndex + (reader.TokenType == JsonTokenType.String ? reader.ValueSpan.Length + 2 : reader.ValueSpan.Length);
        if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
        {
            end = (int)reader.TokenStartIndex + 1;
        }

        return json[start..end];
    }
}
