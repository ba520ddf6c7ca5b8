namespace OrleansGateway.Files;

/// <summary>An uploaded or gateway-written file's metadata; its bytes are in the blob store under <see cref="BlobName"/> (or produced from a batch, <see cref="BatchId"/>).</summary>
[GenerateSerializer, Immutable, Alias("gw.FileRecord")]
public sealed record FileRecord(
    [property: Id(0)] string Id,
    [property: Id(1)] string Filename,
    [property: Id(2)] string Purpose,
    [property: Id(3)] long Bytes,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] long LineCount,
    [property: Id(6)] string BlobName)
{
    /// <summary>
    /// Set on a <c>batch_output</c> file the gateway produces for an OpenAI batch: its content is written from
    /// that batch's stored results when read (so it has no blob, and <see cref="BlobName"/> is empty). Its
    /// <see cref="Bytes"/> is 0 until the file is first measured (the frontend writes it once to count them).
    /// </summary>
    [Id(7)] public string? BatchId { get; init; }

    /// <summary>With <see cref="BatchId"/>: the batch's error file (failed, cancelled, expired lines) rather than its output file.</summary>
    [Id(8)] public bool BatchErrors { get; init; }

    /// <summary>The virtual key (its id) that uploaded the file, or whose batch wrote it; null: an admin key. Other virtual keys do not see it.</summary>
    [Id(9)] public string? KeyId { get; init; }
}
