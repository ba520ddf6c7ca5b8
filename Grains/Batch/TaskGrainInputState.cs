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

    /// <summary>The tasks; empty in storage when they are kept in <see cref="TasksBlob"/>.</summary>
    [Id(6)] public List<BatchTask> Tasks { get; set; } = [];

    /// <summary>The blob holding the serialized <see cref="Tasks"/> when they were too large for grain state; null when inline.</summary>
    [Id(7)] public string? TasksBlob { get; set; }

    /// <summary>How many tasks the group holds (also when they are in <see cref="TasksBlob"/>).</summary>
    [Id(8)] public int TaskCount { get; set; }
}
