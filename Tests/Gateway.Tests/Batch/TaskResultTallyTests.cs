namespace OrleansGateway.Tests.Batch;

/// <summary>A group's progress counted from its result entries.</summary>
public sealed class TaskResultTallyTests
{
    [Fact]
    public void Count_MixedEntries_CountsFinalOnesAndCompletedUsage()
    {
        TaskResultEntry[] entries =
        [
            new() { Status = BatchTaskStatus.Completed, PromptTokens = 1, CompletionTokens = 2, TotalTokens = 3 },
            new() { Status = BatchTaskStatus.Pending },
            new() { Status = BatchTaskStatus.Failed, PromptTokens = 100, TotalTokens = 100, Error = "no" },
            new() { Status = BatchTaskStatus.Completed, PromptTokens = 4, CompletionTokens = 5, TotalTokens = 9, Blob = "batch/j/0/results/3" },
        ];

        var progress = TaskResultTally.Count(entries);

        Assert.Equal((2, 1, 3), (progress.Completed, progress.Failed, progress.Done));
        Assert.Equal(new TokenUsage(5, 7, 12), progress.Usage);
        Assert.Null(progress.StorageError);
    }

    [Fact]
    public void Count_NoEntries_None()
    {
        Assert.Equal(TaskGrainProgress.None, TaskResultTally.Count([]));
    }
}
