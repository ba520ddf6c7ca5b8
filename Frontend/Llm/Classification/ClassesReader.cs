namespace OrleansGateway.Frontend.Llm.Classification;

/// <summary>Reads and checks the <c>classes</c> of a classification request.</summary>
public static class ClassesReader
{
    /// <summary>The most classes one request may give.</summary>
    public const int MaxClasses = 100;

    /// <summary>
    /// The classes, or why they are invalid: 1–100 objects, each with a non-empty string <c>id</c>
    /// (unique in the request, ignoring case, since answers are matched ignoring case) and a string <c>label</c>.
    /// </summary>
    public static (IReadOnlyList<ClassificationClass>? Classes, GatewayError? Error) Read(JsonElement? classes)
    {
        if (classes is null || classes.Value.ValueKind == JsonValueKind.Null)
        {
            return Fail("Missing 'classes': give 1 to 100 classes, each an object {\"id\": ..., \"label\": ...}.", "classes");
        }

        if (classes.Value.ValueKind != JsonValueKind.Array)
        {
            return Fail("'classes' must be an array of objects {\"id\": ..., \"label\": ...}.", "classes");
        }

        var count = classes.Value.GetArrayLength();
        if (count is 0 or > MaxClasses)
        {
            return Fail($"'classes' must hold between 1 and {MaxClasses} classes (got {count}).", "classes");
        }

        var result = new List<ClassificationClass>(count);
        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var index = 0;
        foreach (var entry in classes.Value.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object)
            {
                return Fail($"classes[{index}] must be an object with an 'id' and a 'label'.", $"classes[{index}]");
            }

            if (!entry.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(id.GetString()))
            {
                return Fail($"classes[{index}].id must be a non-empty string.", $"classes[{index}].id");
            }

            if (!entry.TryGetProperty("label", out var label) || label.ValueKind != JsonValueKind.String)
            {
                return Fail($"classes[{index}].label must be a string.", $"classes[{index}].label");
            }

            // The answer returns the caller's id as given; uniqueness ignores case and surrounding spaces, as matching does.
            var idText = id.GetString()!;
            var key = idText.Trim();
            if (seen.TryGetValue(key, out var earlier))
            {
                return Fail($"classes[{index}].id '{key}' repeats classes[{earlier}].id: class ids must be unique (ignoring case).", $"classes[{index}].id");
            }

            seen[key] = index;
            result.Add(new ClassificationClass(idText, label.GetString()!));
            index++;
        }

        return (result, null);
    }

    private static (IReadOnlyList<ClassificationClass>?, GatewayError?) Fail(string message, string param) => (null, GatewayError.Invalid(message, param));
}
