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

    /// <summary>The virtual key whose limits the tasks pass and which pays for them; null: an admin key.</summary>
    [Id(9)] public string? KeyId { get; set; }

    /// <summary>The state of a group as submitted (<paramref name="tasks"/>: the whole group, when it came in pieces).</summary>
    public static TaskGrainInputState From(TaskGrainSpec spec, List<BatchTask>? tasks = null) => new()
    {
        JobId = spec.JobId,
        Model = spec.Model,
        FirstIndex = spec.FirstIndex,
        MaxTokens = spec.MaxTokens,
        Temperature = spec.Temperature,
        TopP = spec.TopP,
        KeyId = spec.KeyId,
        Tasks = tasks ?? [.. spec.Tasks],
        TaskCount = tasks?.Count ?? spec.Tasks.Length,
    };

    /// <summary>The chat request of the group's task <paramref name="local"/>: its own limits, else the job's, at batch priority.</summary>
    public ChatRequest RequestFor(int local)
    {
        var batchTask = Tasks[local];
        return new ChatRequest(Model, batchTask.Messages)
        {
            MaxTokens = batchTask.MaxTokens ?? MaxTokens,
            Temperature = batchTask.Temperature ?? Temperature,
            TopP = TopP,
            Priority = RequestPriority.Batch,
            IncludeStreamUsage = false,
            BatchJobId = JobId,
        };
    }
}
