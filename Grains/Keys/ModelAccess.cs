namespace OrleansGateway.Keys;

/// <summary>Whether a key's <c>models</c> allow a <c>provider/model</c>: empty allows all; an entry is a name, <c>provider/*</c> or <c>*</c>.</summary>
public static class ModelAccess
{
    public static bool Allows(IReadOnlyList<string> patterns, string model)
    {
        if (patterns.Count == 0)
        {
            return true;
        }

        foreach (var pattern in patterns)
        {
            if (pattern == "*" || string.Equals(pattern, model, StringComparison.Ordinal)
                || (pattern.EndsWith("/*", StringComparison.Ordinal) && model.StartsWith(pattern[..^1], StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }
}
