namespace OrleansGateway.Batch;

/// <summary>
/// The tasks one <see cref="ITaskGrain"/> holds: consecutive tasks of a job starting at
/// <see cref="FirstIndex"/>, with the job-wide parameters they run with. A group too large for one call
/// arrives in pieces: each holds the tasks from <see cref="PieceOffset"/> (within the group) of a group of
/// <see cref="GroupTaskCount"/> tasks, sent in order; the group is stored once its last piece arrived.
/// </summary>
[GenerateSerializer, Immutable, Alias("gw.TaskGrainSpec")]
public sealed record TaskGrainSpec(
    [property: Id(0)] string JobId,
    [property: Id(1)] string Model,
    [property: Id(2)] int FirstIndex,
    [property: Id(3)] ImmutableArray<BatchTask> Tasks)
{
    [Id(4)] public int? MaxTokens { get; init; }

    [Id(5)] public float? Temperature { get; init; }

    [Id(6)] public float? TopP { get; init; }

    /// <summary>The tasks of the whole group; 0: <see cref="Tasks"/> is the whole group.</summary>
    [Id(7)] public int GroupTaskCount { get; init; }

    /// <summary>Where <see cref="Tasks"/> starts within the group (0 for the first piece or a whole group).</summary>
    [Id(8)] public int PieceOffset { get; init; }

    /// <summary>The virtual key (its id) whose limits the tasks pass and which pays for them; null: an admin key.</summary>
    [Id(9)] public string? KeyId { get; init; }

    /// <summary>The tasks of the whole group.</summary>
    public int GroupSize => GroupTaskCount > 0 ? GroupTaskCount : Tasks.Length;
}
