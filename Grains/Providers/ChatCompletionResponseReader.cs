using System.Text;
using System.Text.Json;
using OrleansGateway.Chat;

namespace OrleansGateway.Providers;

/// <summary>
/// Reads an OpenAI <c>chat.completion</c> body (as returned by the <c>OpenAI</c> package's protocol
/// method) into a <see cref="ChatResult"/>: the first choice's text (a string, or the text parts of an
/// array), its finish reason, the id, the creation time and the usage. A body that is not such an
/// object throws <see cref="FormatException"/>.
/// </summary>
public static class ChatCompletionResponseReader
{
    /// <summary>Reads one completion body.</summary>
    public static ProviderCompletion Read(ReadOnlyMemory<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException exception)
        {
            throw new FormatException($"the body is not JSON ({exception.Message})", exception);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("the body is not a JSON object");
            }

            if (!root.TryGetProperty("choices"u8, out var choices) || choices.ValueKind != JsonValueKind.Array || choices.GetArrayLength() == 0)
            {
                throw new FormatException("the body has no choices");
            }

            var choice = choices[0];
            var content = choice.ValueKind == JsonValueKind.Object && choice.TryGetProperty("message"u8, out var message) && message.ValueKind == JsonValueKind.Object
                && message.TryGetProperty("content"u8, out var text)
                ? ReadContent(text)
                : string.Empty;
            return new ProviderCompletion(
                Id: StringOrNull(root, "id"u8),
                Content: content,
                FinishReason: WireFinishReason(choice.ValueKind == JsonValueKind.Object ? StringOrNull(choice, "finish_reason"u8) : null),
                Usage: ReadUsage(root),
                CreatedUnixSeconds: root.TryGetProperty("created"u8, out var created) && created.ValueKind == JsonValueKind.Number && created.TryGetInt64(out var seconds)
                    ? seconds
                    : null);
        }
    }

    /// <summary>The finish reasons the gateway passes on as they are; any other (or none) is <c>stop</c>.</summary>
    public static string WireFinishReason(string? reason) => reason switch
    {
        "length" or "content_filter" or "tool_calls" or "function_call" => reason,
        _ => "stop",
    };

    private static string ReadContent(JsonElement content)
    {
        switch (content.ValueKind)
        {
            case JsonValueKind.String:
                return content.GetString() ?? string.Empty;
            case JsonValueKind.Array:
                var text = new StringBuilder();
                foreach (var part in content.EnumerateArray())
                {
                    if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text"u8, out var partText) && partText.ValueKind == JsonValueKind.String)
                    {
                        text.Append(partText.GetString());
                    }
                }

                return text.ToString();
            default:
                return string.Empty;
        }
    }

    private static TokenUsage? ReadUsage(JsonElement root)
    {
        if (!root.TryGetProperty("usage"u8, out var usage) || usage.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var prompt = IntOrZero(usage, "prompt_tokens"u8);
        var completion = IntOrZero(usage, "completion_tokens"u8);
        var total = usage.TryGetProperty("total_tokens"u8, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var tokens)
            ? tokens
            : prompt + completion;
        return new TokenUsage(prompt, completion, total);
    }

    private static int IntOrZero(JsonElement element, ReadOnlySpan<byte> name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : 0;

    private static string? StringOrNull(JsonElement element, ReadOnlySpan<byte> name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
