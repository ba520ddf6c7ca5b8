using OrleansGateway.Chat;

namespace OrleansGateway.Providers;

/// <summary>What the gateway keeps of a provider's completion body; null where the provider sent none.</summary>
public readonly record struct ProviderCompletion(string? Id, string Content, string FinishReason, TokenUsage? Usage, long? CreatedUnixSeconds);
