namespace OrleansGateway.Frontend.OpenAi.Files;

/// <summary><c>GET /v1/files</c>: a page of files.</summary>
public sealed record FileListResponse(string Object, IReadOnlyList<FileObject> Data, string? FirstId, string? LastId, bool HasMore);
