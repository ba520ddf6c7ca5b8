

namespace OrleansGateway.Frontend.Llm.Classification;

/// <summary><c>{"status":"success","content":{"id","label"},"usage":{...}}</c>.</summary>
public sealed record ClassificationResponse(string Status, ClassificationClass Content, LlmUsage Usage);
