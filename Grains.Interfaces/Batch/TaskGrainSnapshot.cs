namespace OrleansGateway.Batch;

/// <summary>
/// A <see cref="ITaskGrain"/>'s progress and the job indexes of its tasks still without a final
/// result; <see cref="InputsMissing"/> when the grain holds no tasks (its storage lost them).
/// </summary>
[GenerateSerializer, Immutable, Alias("gw.TaskGrainSnapshot")]
public sealed record TaskGrainSnapshot(
    [property: Id(0)] TaskGrainProgress Progress,
    [property: Id(1)] ImmutableArray<int> PendingIndexes,
    [property: Id(2)] bool InputsMissing = false);
