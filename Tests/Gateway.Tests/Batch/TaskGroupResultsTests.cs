namespace OrleansGateway.Tests.Batch;

/// <summary>A task group's results as last stored: what is served, counts that never go back, what is pending.</summary>
public sealed class TaskGroupResultsTests
{
    private static TaskResultEntry Completed(int tokens = 3) => new() { Status = BatchTaskStatus.Completed, Output = "ok", PromptTokens = 1, CompletionTokens = tokens - 1, TotalTokens = tokens };

    private static TaskResultEntry Failed() => new() { Status = BatchTaskStatus.Failed, Error = "bad" };

    [Fact]
    public void Fit_AddsPendingEntriesUpToTheTaskCount_KeepsThoseStored()
    {
        var stored = Completed();
        var state = new TaskGrainResultState { Entries = [stored] };

        TaskGroupResults.Fit(state, 3);

        Assert.Equal(3, state.Entries.Count);
        Assert.Same(stored, state.Entries[0]);
        Assert.All(state.Entries.Skip(1), e => Assert.Equal(BatchTaskStatus.Pending, e.Status));
    }

    [Fact]
    public void Pending_IndexesOfEntriesWithoutAFinalResult()
    {
        TaskResultEntry[] entries = [Completed(), new(), Failed(), new()];

        Assert.Equal([101, 103], TaskGroupResults.Pending(entries, firstIndex: 100).ToArray());
    }

    [Fact]
    public void Load_ServesAndCountsTheEntries()
    {
        var results = new TaskGroupResults();

        results.Load([Completed(3), Failed(), new()]);

        Assert.Equal(3, results.Entries.Count);
        Assert.Equal(new TaskGrainProgress(1, 1, new TokenUsage(1, 2, 3)), results.Progress);
    }

    [Fact]
    public void Serve_ChangesWhatIsServed_NotTheCounts()
    {
        var results = new TaskGroupResults();

        results.Serve([Completed(), Completed()]);

        Assert.Equal(2, results.Entries.Count);
        Assert.Equal(TaskGrainProgress.None, results.Progress);
    }

    [Fact]
    public void Written_CountsNeverGoBack_ButTheLatestWriteIsServed()
    {
        var results = new TaskGroupResults();
        TaskResultEntry[] later = [Completed(), Completed()];
        TaskResultEntry[] earlier = [Completed(), new()];

        results.Written(later);
        results.Written(earlier);

        Assert.Equal(2, results.Progress.Done);
        Assert.Same(earlier[1], results.Entries[1]);
    }

    [Fact]
    public void Clear_ForgetsEverything()
    {
        var results = new TaskGroupResults();
        results.Load([Completed()]);

        results.Clear();

        Assert.Empty(results.Entries);
        Assert.Equal(TaskGrainProgress.None, results.Progress);
    }

    [Fact]
    public void Report_WithoutFailure_TheCounts_WithFailure_TheStorageError()
    {
        var results = new TaskGroupResults();
        results.Load([Completed()]);

        Assert.Same(results.Progress, results.Report(null, 64, 64));
        var failed = results.Report(new AggregateException(new TimeoutException("slow")), 64, 64);

        Assert.Equal(1, failed.Completed);
        Assert.Equal("The results of tasks 64 to 127 could not be stored in grain storage after 3 attempts (TimeoutException).", failed.StorageError);
    }
}
