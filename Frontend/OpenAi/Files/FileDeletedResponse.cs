namespace OrleansGateway.Frontend.OpenAi.Files;

/// <summary><c>DELETE /v1/files/{file_id}</c>.</summary>
public sealed record FileDeletedResponse(string Id, string Object, bool Deleted);
