namespace OrleansGateway.Chat;

/// <summary>Token counts of one or more provider calls.</summary>
[GenerateSerializer, Immutable, Alias("gw.TokenUsage")]
public sealed record TokenUsage(
    [property: Id(0)] int PromptTokens,
    [property: Id(1)] int CompletionTokens,
    [property: Id(2)] int TotalTokens)
{
    /// <summary>No tokens.</summary>
    public static TokenUsage Zero { get; } = new(0, 0, 0);

    /// <summary>The sum of two usages.</summary>
    public static TokenUsage operator +(TokenUsage left, TokenUsage right) =>
        new(left.PromptTokens + right.PromptTokens,
            left.CompletionTokens + right.CompletionTokens,
            left.TotalTokens + right.TotalTokens);
}
