using System.Collections.Immutable;

namespace OrleansGateway.Batch;

/// <summary>
/// The tasks one <see cref="ITaskGrain"/> holds: consecutive tasks of a job starting at
/// <see cref="FirstIndex"/>, with the job-wide parameters they run with.
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
}
