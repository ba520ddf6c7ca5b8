namespace OrleansGateway.Frontend.OpenAi.Chat;

/// <summary>One choice of a <c>chat.completion</c>.</summary>
public sealed record ChatCompletionChoice(int Index, ChatCompletionMessage Message, string FinishReason, object? Logprobs);
