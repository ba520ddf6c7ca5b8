namespace OrleansGateway.Frontend.Llm;

/// <summary>Token usage as the <c>/llm</c> surface writes it.</summary>
public sealed record LlmUsage(int PromptTokens, int CompletionTokens, int TotalTokens)
{
    public static LlmUsage From(TokenUsage usage) => new(usage.PromptTokens, usage.CompletionTokens, usage.TotalTokens);
}
