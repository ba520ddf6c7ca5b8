namespace OrleansGateway.Frontend.Llm.Summarization;

/// <summary>The <c>content</c> of a summarization answer: <c>{"summary": ...}</c>.</summary>
public sealed record SummaryContent(string Summary);
