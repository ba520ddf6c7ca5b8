using System.Collections.Immutable;

namespace OrleansGateway.Batch;

/// <summary>A <see cref="ITaskGrain"/>'s progress and the job indexes of its tasks still without a final result.</summary>
[GenerateSerializer, Immutable, Alias("gw.TaskGrainSnapshot")]
public sealed record TaskGrainSnapshot(
    [property: Id(0)] TaskGrainProgress Progress,
    [property: Id(1)] ImmutableArray<int> PendingIndexes);
