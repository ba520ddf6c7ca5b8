namespace OrleansGateway.Batch;

/// <summary>What an <see cref="OpenAiBatchGrain"/> stores: OpenAI's fields of the batch; the lines and results are its job's.</summary>
[GenerateSerializer, Alias("gw.OpenAiBatchState")]
public sealed class OpenAiBatchState
{
    [Id(0)] public string Endpoint { get; set; } = string.Empty;

    [Id(1)] public string InputFileId { get; set; } = string.Empty;

    [Id(2)] public string CompletionWindow { get; set; } = string.Empty;

    [Id(3)] public string? MetadataJson { get; set; }

    [Id(4)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The line errors that failed the batch in validation; empty when its job runs.</summary>
    [Id(5)] public List<BatchLineError> Errors { get; set; } = [];

    /// <summary>Lines of the input file.</summary>
    [Id(6)] public int LineCount { get; set; }

    [Id(7)] public DateTimeOffset? CancellingAt { get; set; }

    /// <summary>The output file's id, chosen at creation; recorded as a file once the batch ends with answered lines.</summary>
    [Id(8)] public string OutputFileId { get; set; } = string.Empty;

    /// <summary>The error file's id, chosen at creation; recorded once the batch ends with lines that got no answer.</summary>
    [Id(9)] public string ErrorFileId { get; set; } = string.Empty;

    /// <summary>Whether the output and error files (those with lines) are recorded in the file grains and list.</summary>
    [Id(10)] public bool FilesRecorded { get; set; }

    [Id(11)] public bool HasOutputFile { get; set; }

    [Id(12)] public bool HasErrorFile { get; set; }

    /// <summary>Whether the batch is known to be in the <c>GET /v1/batches</c> list.</summary>
    [Id(13)] public bool Listed { get; set; }

    /// <summary>The virtual key (its id) that created the batch and pays for its lines; null: an admin key.</summary>
    [Id(14)] public string? KeyId { get; set; }
}
