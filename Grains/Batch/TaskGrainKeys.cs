namespace OrleansGateway.Batch;

/// <summary>How a job's tasks map onto <see cref="ITaskGrain"/>s: group <c>g</c> holds tasks <c>g * size</c> onwards.</summary>
public static class TaskGrainKeys
{
    /// <summary>The key of a job's task group.</summary>
    public static string For(string jobId, int group) => $"{jobId}/{group}";

    /// <summary>How many groups a job of <paramref name="taskCount"/> tasks has.</summary>
    public static int GroupCount(int taskCount, int tasksPerGrain) => (taskCount + tasksPerGrain - 1) / tasksPerGrain;

    /// <summary>How many tasks group <paramref name="group"/> holds.</summary>
    public static int GroupSize(int group, int taskCount, int tasksPerGrain) =>
        Math.Min(tasksPerGrain, taskCount - (group * tasksPerGrain));
}
