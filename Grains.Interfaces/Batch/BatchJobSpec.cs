namespace OrleansGateway.Batch;

/// <summary>
/// A validated batch job as submitted: the model (<c>provider/model</c>), the job-wide parameters and the tasks,
/// or, for a job too large for one call, no tasks and <see cref="StoredTaskCount"/>: the submitter stored them in the
/// job's task grains beforehand (groups of <see cref="StoredTasksPerGrain"/>, see <c>TaskGroupWriter</c>).
/// </summary>
[GenerateSerializer, Immutable, Alias("gw.BatchJobSpec")]
public sealed record BatchJobSpec(
    [property: Id(0)] string Model,
    [property: Id(1)] ImmutableArray<BatchTask> Tasks)
{
    [Id(2)] public int? MaxTokens { get; init; }

    [Id(3)] public float? Temperature { get; init; }

    [Id(4)] public float? TopP { get; init; }

    /// <summary>The client's <c>batch_metadata</c> object as raw JSON text, echoed back; null when none was given.</summary>
    [Id(5)] public string? MetadataJson { get; init; }

    /// <summary>When the job's window closes: unfinished then, it ends <see cref="BatchJobStatus.Expired"/>. Null: never.</summary>
    [Id(6)] public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Tasks already stored in the job's task grains by the submitter; 0 when <see cref="Tasks"/> holds them.</summary>
    [Id(7)] public int StoredTaskCount { get; init; }

    /// <summary>Tasks per task grain of the stored tasks (with <see cref="StoredTaskCount"/>).</summary>
    [Id(8)] public int StoredTasksPerGrain { get; init; }

    /// <summary>The virtual key (its id) that created the job and pays for its tasks; null: an admin key.</summary>
    [Id(9)] public string? KeyId { get; init; }

    /// <summary>The job's tasks, stored or inline.</summary>
    public int TaskCount => StoredTaskCount > 0 ? StoredTaskCount : Tasks.IsDefault ? 0 : Tasks.Length;
}
