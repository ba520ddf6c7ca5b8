namespace OrleansGateway.Frontend.OpenAi.Files;

/// <summary>Uploaded files: the configuration section <c>Gateway:Files</c>.</summary>
public sealed class FilesOptions
{
    /// <summary>The configuration section this binds to.</summary>
    public const string SectionName = "Gateway:Files";

    /// <summary>Largest uploaded file, in bytes (413 beyond). Default: 200 MB, as OpenAI's.</summary>
    public long MaxUploadBytes { get; set; } = 200L * 1000 * 1000;

    /// <summary>Most lines (requests) in a <c>purpose=batch</c> file (400 beyond). Default: 50000, as OpenAI's.</summary>
    public int MaxBatchInputLines { get; set; } = 50_000;
}
