namespace OrleansGateway.Frontend.OpenAi.Batch;

/// <summary>A page of jobs, newest first (<c>GET /v1/batch</c>); pass <c>last_id</c> as <c>after</c> for the next page.</summary>
public sealed record BatchListResponse(
    string Object,
    List<BatchJobResponse> Data,
    string? FirstId,
    string? LastId,
    bool HasMore);
