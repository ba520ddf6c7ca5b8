namespace OrleansGateway.Frontend.OpenAi.Batch;

/// <summary>The answer to <c>POST /v1/batch/generate</c>: the job is recorded and queued.</summary>
public sealed record BatchSubmitResponse(
    string JobId,
    string Object,
    string Status,
    long SubmittedAt,
    int TaskCount,
    JsonElement? BatchMetadata);
