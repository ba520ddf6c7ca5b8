namespace OrleansGateway.Frontend.Llm;

/// <summary>The body of <c>/llm/generation</c>, <c>/llm/generation/stream</c>, <c>/llm/classification</c> and <c>/llm/summarization</c>.</summary>
public sealed class LlmGenerationRequest
{
    public string? Model { get; set; }

    public string? Prompt { get; set; }

    public string? UserPrompt { get; set; }

    public double? Temperature { get; set; }

    public int? MaxTokens { get; set; }

    /// <summary><c>provider/model</c> names tried in order when the model fails.</summary>
    public List<string>? Fallbacks { get; set; }

    /// <summary>Classification classes, read by <c>/llm/classification</c>.</summary>
    public JsonElement? Classes { get; set; }
}
