namespace OrleansGateway.Frontend.OpenAi.Batch;

/// <summary>One task of a batch request: <c>{"id", "messages": [...]}</c> or <c>{"id", "prompt": "..."}</c>, optionally with its own limits.</summary>
public sealed class BatchTaskRequest
{
    /// <summary>A string or a number; default: the task's index.</summary>
    public JsonElement? Id { get; set; }

    public List<WireMessage?>? Messages { get; set; }

    public string? Prompt { get; set; }

    public int? MaxTokens { get; set; }

    public double? Temperature { get; set; }
}
