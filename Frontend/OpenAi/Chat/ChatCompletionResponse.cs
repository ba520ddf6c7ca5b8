namespace OrleansGateway.Frontend.OpenAi.Chat;

/// <summary>An OpenAI <c>chat.completion</c> object.</summary>
public sealed record ChatCompletionResponse(
    string Id,
    string Object,
    long Created,
    string Model,
    IReadOnlyList<ChatCompletionChoice> Choices,
    OpenAiUsage Usage);
