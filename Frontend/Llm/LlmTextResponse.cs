namespace OrleansGateway.Frontend.Llm;

/// <summary><c>{"status":"success","content":"...","usage":{...}}</c>.</summary>
public sealed record LlmTextResponse(string Status, string Content, LlmUsage Usage);
