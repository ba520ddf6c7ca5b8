namespace OrleansGateway.Tests.Batch;

/// <summary>The job's counters: newest report per group wins, older ones change nothing, sums and state copy exact.</summary>
public sealed class BatchProgressTests
{
    [Fact]
    public void Start_NewJob_NothingDoneAndLoaded()
    {
        var progress = new BatchProgress();
        Assert.False(progress.IsLoaded);

        progress.Start(3);

        Assert.True(progress.IsLoaded);
        Assert.Equal(0, progress.Done);
        Assert.Equal(TokenUsage.Zero, progress.Usage);
        Assert.False(progress.IsGroupDone(2, 1));
    }

    [Fact]
    public void Load_GroupReports_SumsThem()
    {
        var progress = new BatchProgress();
        progress.Load([new TaskGrainProgress(2, 1, new TokenUsage(10, 20, 30)), new TaskGrainProgress(4, 0, new TokenUsage(1, 2, 3))]);

        AssertTotals(progress, completed: 6, failed: 1, new TokenUsage(11, 22, 33));
        Assert.Equal(7, progress.Done);
        Assert.True(progress.IsGroupDone(0, 3));
        Assert.False(progress.IsGroupDone(1, 5));
    }

    [Fact]
    public void Apply_NewerReport_ReplacesTheGroupsShare()
    {
        var progress = Started(groups: 2);
        Assert.True(progress.Apply(0, new TaskGrainProgress(1, 0, new TokenUsage(5, 5, 10))));
        Assert.True(progress.Apply(1, new TaskGrainProgress(0, 1, TokenUsage.Zero)));

        Assert.True(progress.Apply(0, new TaskGrainProgress(2, 1, new TokenUsage(8, 7, 15))));

        AssertTotals(progress, completed: 2, failed: 2, new TokenUsage(8, 7, 15));
    }

    [Fact]
    public void Apply_OlderOrEqualReport_ChangesNothing()
    {
        var progress = Started(groups: 1);
        progress.Apply(0, new TaskGrainProgress(3, 0, new TokenUsage(3, 3, 6)));

        Assert.False(progress.Apply(0, new TaskGrainProgress(2, 0, new TokenUsage(2, 2, 4))));
        Assert.False(progress.Apply(0, new TaskGrainProgress(2, 1, new TokenUsage(9, 9, 18))));

        AssertTotals(progress, completed: 3, failed: 0, new TokenUsage(3, 3, 6));
    }

    [Fact]
    public void CopyTo_Loaded_WritesCountersIntoState()
    {
        var progress = new BatchProgress();
        progress.Load([new TaskGrainProgress(5, 2, new TokenUsage(1, 2, 3))]);
        var state = new BatchJobState();

        progress.CopyTo(state);

        Assert.Equal((5, 2, 1, 2, 3), (state.CompletedCount, state.FailedCount, state.PromptTokens, state.CompletionTokens, state.TotalTokens));
    }

    [Fact]
    public void CopyTo_NeverLoaded_LeavesStoredCountersAlone()
    {
        var state = new BatchJobState { CompletedCount = 7, FailedCount = 1, TotalTokens = 9 };

        new BatchProgress().CopyTo(state);

        Assert.Equal((7, 1, 9), (state.CompletedCount, state.FailedCount, state.TotalTokens));
    }

    private static BatchProgress Started(int groups)
    {
        var progress = new BatchProgress();
        progress.Start(groups);
        return progress;
    }

    private static void AssertTotals(BatchProgress progress, int completed, int failed, TokenUsage usage)
    {
        Assert.Equal(completed, progress.Completed);
        Assert.Equal(failed, progress.Failed);
        Assert.Equal(usage, progress.Usage);
    }
}
