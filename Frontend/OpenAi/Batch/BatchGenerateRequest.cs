namespace OrleansGateway.Frontend.OpenAi.Batch;

/// <summary>The body of <c>POST /v1/batch/generate</c>.</summary>
public sealed class BatchGenerateRequest
{
    public string? Model { get; set; }

    public List<BatchTaskRequest?>? Tasks { get; set; }

    public int? MaxTokens { get; set; }

    public double? Temperature { get; set; }

    public double? TopP { get; set; }

    public JsonElement? BatchMetadata { get; set; }
}
