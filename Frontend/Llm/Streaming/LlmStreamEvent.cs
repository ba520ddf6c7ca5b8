

namespace OrleansGateway.Frontend.Llm.Streaming;

/// <summary>
/// One event of <c>/llm/generation/stream</c>: <c>{"id","text","is_final":false,"usage":null}</c> for
/// each piece, and <c>{"id","text":&lt;whole text&gt;,"is_final":true,"usage":{...}}</c> last.
/// </summary>
public sealed record LlmStreamEvent(string Id, string Text, bool IsFinal, LlmUsage? Usage);
