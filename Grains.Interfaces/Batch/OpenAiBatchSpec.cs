namespace OrleansGateway.Batch;

/// <summary>
/// An OpenAI batch as created: its endpoint, input file, window and metadata, and either the tasks read
/// from the input file (one per line, each a whole request; or only their count, when the frontend stored them in
/// the job's task grains itself) or the line errors that fail it in validation.
/// </summary>
[GenerateSerializer, Immutable, Alias("gw.OpenAiBatchSpec")]
public sealed record OpenAiBatchSpec(
    [property: Id(0)] string Endpoint,
    [property: Id(1)] string InputFileId,
    [property: Id(2)] string CompletionWindow,
    [property: Id(3)] ImmutableArray<BatchTask> Tasks,
    [property: Id(4)] ImmutableArray<BatchLineError> Errors)
{
    /// <summary>The client's <c>metadata</c> object as raw JSON text; null when none was given.</summary>
    [Id(5)] public string? MetadataJson { get; init; }

    /// <summary>The lines in the input file (tasks when valid).</summary>
    [Id(6)] public int LineCount { get; init; }

    /// <summary>The model of the first line: the engine sizes the job's in-flight window by its provider.</summary>
    [Id(7)] public string Model { get; init; } = string.Empty;

    /// <summary>The tasks the frontend already stored in the job's task grains (then <see cref="Tasks"/> is empty); 0 when none.</summary>
    [Id(8)] public int StoredTaskCount { get; init; }

    /// <summary>Tasks per task grain of the stored tasks.</summary>
    [Id(9)] public int StoredTasksPerGrain { get; init; }

    /// <summary>The virtual key (its id) that created the batch and pays for its lines; null: an admin key.</summary>
    [Id(10)] public string? KeyId { get; init; }
}
