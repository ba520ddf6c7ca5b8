namespace OrleansGateway.Frontend.Llm;

/// <summary>The documented error body of the <c>/llm</c> surface: <c>{"status":"error","error":"...","content":null,"usage":null}</c>.</summary>
public sealed record LlmErrorResponse(string Status, string Error, object? Content, object? Usage)
{
    public static LlmErrorResponse For(string message) => new("error", message, null, null);
}
