namespace OrleansGateway.Frontend.Llm.Summarization;

/// <summary>Settings of <c>/llm/summarization</c>, bound from <c>Gateway:Summarization</c>.</summary>
public sealed class SummarizationOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Gateway:Summarization";

    /// <summary>
    /// Characters of text summarized in one call. Longer texts are split into parts of at most this
    /// size (at paragraph, line, sentence or word boundaries) whose summaries are summarized again.
    /// Default: 12000 (about 3000 tokens, which fits small local models).
    /// </summary>
    public int MaxChunkCharacters { get; set; } = 12_000;

    /// <summary>Parts summarized at the same time for one request (the provider's limit still applies). Default: 4.</summary>
    public int MaxParallelCalls { get; set; } = 4;
}
