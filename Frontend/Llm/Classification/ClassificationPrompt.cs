using System.Collections.Immutable;
using System.Text;

namespace OrleansGateway.Frontend.Llm.Classification;

/// <summary>What the model is asked: the instruction naming the classes, the JSON schema, and the correction after an answer that named none.</summary>
public static class ClassificationPrompt
{
    /// <summary>The system instruction (after the caller's own <c>prompt</c>, if any) and the text to classify.</summary>
    public static ImmutableArray<ChatMessage> Messages(string? prompt, string text, IReadOnlyList<ClassificationClass> classes)
    {
        var system = new StringBuilder();
        if (!string.IsNullOrWhiteSpace(prompt))
        {
            system.Append(prompt.Trim()).Append("\n\n");
        }

        system.Append("Classify the user's text into exactly one of these classes (id: label):\n");
        foreach (var c in classes)
        {
            system.Append("- ").Append(c.Id).Append(": ").Append(c.Label).Append('\n');
        }

        system.Append("Answer with only the id of the one class that fits best, as JSON: {\"id\": \"<class id>\"}.");
        return [new ChatMessage("system", system.ToString()), new ChatMessage("user", text)];
    }

    /// <summary>The messages of the second try: the first, the model's answer, and a correction.</summary>
    public static ImmutableArray<ChatMessage> Correction(ImmutableArray<ChatMessage> messages, string answer, IReadOnlyList<ClassificationClass> classes) =>
        messages
            .Add(new ChatMessage("assistant", answer))
            .Add(new ChatMessage("user",
                $"That answer does not name one of the classes. Answer again with exactly one of these ids: {string.Join(", ", classes.Select(c => c.Id))}. " +
                "Reply with only {\"id\": \"<class id>\"} and nothing else."));

    /// <summary>Structured output whose <c>id</c> must be one of the class ids.</summary>
    public static ResponseFormatSpec Schema(IReadOnlyList<ClassificationClass> classes)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "object");
            writer.WriteStartObject("properties");
            writer.WriteStartObject("id");
            writer.WriteString("type", "string");
            writer.WriteStartArray("enum");
            foreach (var c in classes)
            {
                writer.WriteStringValue(c.Id);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteStartArray("required");
            writer.WriteStringValue("id");
            writer.WriteEndArray();
            writer.WriteBoolean("additionalProperties", false);
            writer.WriteEndObject();
        }

        return new ResponseFormatSpec("json_schema", "classification", Encoding.UTF8.GetString(buffer.ToArray()), Strict: true);
    }
}
