namespace OrleansGateway.Frontend.Chat;

/// <summary>Where the frontend runs chat requests, bound from <c>Gateway:Chat</c>.</summary>
public sealed class ChatExecutionOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Gateway:Chat";

    /// <summary>
    /// In embedded mode the chat grains (the stateless <c>ChatGrain</c> worker and the pool of
    /// <c>ChatStreamGrain</c>s) always activate in this very process, so the frontend runs their
    /// executors itself instead of crossing a grain call per request and per streamed token. Slots
    /// still come from the <c>ProviderGrain</c>s, so the limits hold as before. No effect in cluster
    /// mode, where the silos run chat. Default: true; false sends every request through the grains.
    /// </summary>
    public bool InProcessWhenEmbedded { get; set; } = true;
}
