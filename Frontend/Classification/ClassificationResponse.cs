using OrleansGateway.Frontend.Llm;

namespace OrleansGateway.Frontend.Classification;

/// <summary><c>{"status":"success","content":{"id","label"},"usage":{...}}</c>.</summary>
public sealed record ClassificationResponse(string Status, ClassificationClass Content, LlmUsage Usage);
