namespace OrleansGateway.Frontend.OpenAi;

/// <summary>The inner object of OpenAI's error body.</summary>
public sealed record OpenAiError(string Message, string Type, string? Param, string? Code);
