namespace OrleansGateway.Frontend.OpenAi;

/// <summary>Token usage as OpenAI writes it.</summary>
public sealed record OpenAiUsage(int PromptTokens, int CompletionTokens, int TotalTokens)
{
    public static OpenAiUsage From(TokenUsage usage) => new(usage.PromptTokens, usage.CompletionTokens, usage.TotalTokens);
}
