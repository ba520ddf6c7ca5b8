using System.Collections.Immutable;

namespace OrleansGateway.Batch;

/// <summary>The tasks a <see cref="TaskGrain"/> holds, written once when the job is submitted.</summary>
[GenerateSerializer, Alias("gw.TaskGrainInputState")]
public sealed class TaskGrainInputState
{
    [Id(0)] public string JobId { get; set; } = string.Empty;

    [Id(1)] public string Model { get; set; } = string.Empty;

    [Id(2)] public int FirstIndex { get; set; }

    [Id(3)] public int? MaxTokens { get; set; }

    [Id(4)] public float? Temperature { get; set; }

    [Id(5)] public float? TopP { get; set; }

    [Id(6)] public List<BatchTask> Tasks { get; set; } = [];
}
