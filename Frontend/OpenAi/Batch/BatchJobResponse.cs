using System.Text.Json.Serialization;

namespace OrleansGateway.Frontend.OpenAi.Batch;

/// <summary>A batch job's document (<c>GET /v1/batch/{job_id}</c>); the results and their paging only when asked for.</summary>
public sealed record BatchJobResponse(
    string JobId,
    string Object,
    string Status,
    string Model,
    long SubmittedAt,
    long? StartedAt,
    long? CompletedAt,
    int TaskCount,
    int CompletedCount,
    int FailedCount,
    OpenAiUsage Usage,
    string? Error,
    JsonElement? BatchMetadata)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<BatchResultItem>? Results { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? ResultsOffset { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? ResultsLimit { get; init; }

    /// <summary>Whether results follow the returned page.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? HasMoreResults { get; init; }
}
