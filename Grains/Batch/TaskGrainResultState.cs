namespace OrleansGateway.Batch;

/// <summary>The results of a <see cref="TaskGrain"/>'s tasks, one entry per task in task order.</summary>
[GenerateSerializer, Alias("gw.TaskGrainResultState")]
public sealed class TaskGrainResultState
{
    [Id(0)] public List<TaskResultEntry> Entries { get; set; } = [];
}
