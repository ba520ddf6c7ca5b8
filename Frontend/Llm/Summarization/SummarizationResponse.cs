

namespace OrleansGateway.Frontend.Llm.Summarization;

/// <summary><c>{"status":"success","content":{"summary":...},"usage":{...}}</c>.</summary>
public sealed record SummarizationResponse(string Status, SummaryContent Content, LlmUsage Usage);
