namespace OrleansGateway.Frontend.OpenAi.Files;

/// <summary>OpenAI's file object.</summary>
public sealed record FileObject(
    string Id,
    string Object,
    long Bytes,
    long CreatedAt,
    string Filename,
    string Purpose,
    string Status,
    long? ExpiresAt);
