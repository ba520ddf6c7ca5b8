namespace OrleansGateway.Files;

/// <summary>An uploaded or gateway-written file's metadata; its bytes are in the blob store under <see cref="BlobName"/>.</summary>
[GenerateSerializer, Immutable, Alias("gw.FileRecord")]
public sealed record FileRecord(
    [property: Id(0)] string Id,
    [property: Id(1)] string Filename,
    [property: Id(2)] string Purpose,
    [property: Id(3)] long Bytes,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] long LineCount,
    [property: Id(6)] string BlobName);
