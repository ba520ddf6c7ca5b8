namespace OrleansGateway.Providers;

/// <summary>The providers every gateway knows, with their documented defaults.</summary>
public static class BuiltInProviders
{
    /// <summary>Name, base URL, default models, JSON-schema support and token field of each built-in provider.</summary>
    public static IReadOnlyList<BuiltInProvider> All { get; } =
    [
        new("openai", "https://api.openai.com/v1", ["gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini"], SupportsJsonSchema: true, MaxTokensField: "max_completion_tokens", RequiresApiKey: true),
        new("groq", "https://api.groq.com/openai/v1", ["llama-3.3-70b-versatile", "llama-3.1-8b-instant"], SupportsJsonSchema: true, MaxTokensField: "max_completion_tokens", RequiresApiKey: true),
        new("google", "https://generativelanguage.googleapis.com/v1beta/openai/", ["gemini-2.0-flash", "gemini-1.5-pro"], SupportsJsonSchema: true, MaxTokensField: "max_completion_tokens", RequiresApiKey: true),
        new("local", "http://localhost:11434/v1", [], SupportsJsonSchema: false, MaxTokensField: "max_tokens", RequiresApiKey: false),
    ];

    /// <summary>The built-in provider of that name, if any.</summary>
    public static BuiltInProvider? Find(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
}
