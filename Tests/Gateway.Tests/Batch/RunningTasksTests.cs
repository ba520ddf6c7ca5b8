namespace OrleansGateway.Tests.Batch;

/// <summary>A second call for a batch task joins its run in progress; a run that ended is forgotten.</summary>
public sealed class RunningTasksTests
{
    [Fact]
    public async Task JoinAsync_RunInProgress_JoinedNotStartedAgain()
    {
        var runs = new RunningTasks<int>();
        var run = new TaskCompletionSource<int>();
        var starts = 0;

        var first = runs.JoinAsync(3, () => { starts++; return run.Task; });
        var second = runs.JoinAsync(3, () => { starts++; return Task.FromResult(-1); });
        Assert.Equal(1, runs.Count);
        run.SetResult(7);

        Assert.Equal((7, 7), (await first, await second));
        Assert.Equal(1, starts);
        Assert.Equal(0, runs.Count);
    }

    [Fact]
    public async Task JoinAsync_AfterTheRunEnded_StartsANewOne()
    {
        var runs = new RunningTasks<int>();

        Assert.Equal(1, await runs.JoinAsync(0, () => Task.FromResult(1)));
        Assert.Equal(2, await runs.JoinAsync(0, () => Task.FromResult(2)));
    }

    [Fact]
    public async Task JoinAsync_OtherTasks_RunApart()
    {
        var runs = new RunningTasks<int>();
        var slow = new TaskCompletionSource<int>();

        var first = runs.JoinAsync(0, () => slow.Task);
        Assert.Equal(5, await runs.JoinAsync(1, () => Task.FromResult(5)));
        Assert.Equal(1, runs.Count);
        slow.SetResult(4);
        Assert.Equal(4, await first);
    }

    [Fact]
    public async Task JoinAsync_FailedRun_EveryCallerGetsTheErrorAndItIsForgotten()
    {
        var runs = new RunningTasks<int>();
        var run = new TaskCompletionSource<int>();

        var first = runs.JoinAsync(2, () => run.Task);
        var second = runs.JoinAsync(2, () => Task.FromResult(0));
        run.SetException(new InvalidOperationException("lost"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => first);
        await Assert.ThrowsAsync<InvalidOperationException>(() => second);
        Assert.Equal(0, runs.Count);
    }
}
