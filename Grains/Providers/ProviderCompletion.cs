namespace OrleansGateway.Providers;

/// <summary>What the gateway keeps of a provider's completion body; null where the provider sent none.</summary>
public readonly record struct ProviderCompletion(string? Id, string Content, string FinishReason, TokenUsage? Usage, long? CreatedUnixSeconds)
{
    /// <summary>The whole body as it came, when the caller asked to keep it.</summary>
    public byte[]? Body { get; init; }
}
