namespace OrleansGateway.Frontend.OpenAi.Chat;

/// <summary>The assistant message of a choice.</summary>
public sealed record ChatCompletionMessage(string Role, string Content, object? Refusal);
