using Microsoft.Extensions.Logging.Abstractions;

namespace OrleansGateway.Tests.Batch;

/// <summary>
/// One pass over a job's tasks against fake task groups: every task started once in order, in calls of
/// the window's size per call, never more in flight than the window; ends (inputs missing, storage
/// refusing) reported through fail; failed calls left for the next pass; a stop starts nothing more.
/// </summary>
public sealed class BatchPassTests
{
    private readonly List<string> _failures = [];
    private readonly Dictionary<string, FakeTaskGrain> _grains = [];

    private JobTaskGroups Groups(int taskCount, int perGrain)
    {
        for (var group = 0; group < TaskGrainKeys.GroupCount(taskCount, perGrain); group++)
        {
            _grains[TaskGrainKeys.For("job", group)] = new FakeTaskGrain(group * perGrain, TaskGrainKeys.GroupSize(group, taskCount, perGrain));
        }

        return new JobTaskGroups(key => _grains[key], "job", taskCount, perGrain);
    }

    private FakeTaskGrain Grain(int group) => _grains[TaskGrainKeys.For("job", group)];

    private BatchPass Pass(BatchProgress progress, InFlightWindow window, JobTaskGroups groups) =>
        new(progress, window, groups, error => { _failures.Add(error); return Task.CompletedTask; }, NullLogger.Instance) { JobId = "job" };

    private static BatchProgress Started(JobTaskGroups groups)
    {
        var progress = new BatchProgress();
        progress.Start(groups.Count);
        return progress;
    }

    [Fact]
    public async Task RunAsync_FreshJob_StartsEveryTaskOnceInOrderByTasksPerCall()
    {
        var groups = Groups(taskCount: 20, perGrain: 8);
        var progress = Started(groups);

        await Pass(progress, new InFlightWindow(16), groups).RunAsync(fresh: true, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        var calls = Enumerable.Range(0, 3).SelectMany(g => Grain(g).RunCalls).ToList();
        Assert.All(calls, call => Assert.InRange(call.Length, 1, 2));
        Assert.Equal(Enumerable.Range(0, 20), calls.SelectMany(c => c));
        Assert.Equal(20, progress.Completed);
        Assert.Empty(_failures);
    }

    [Fact]
    public async Task RunAsync_CallsBlocked_NeverMoreInFlightThanTheWindow()
    {
        var groups = Groups(taskCount: 12, perGrain: 12);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Grain(0).Gate = gate;
        var window = new InFlightWindow(3);

        var pass = Pass(Started(groups), window, groups).RunAsync(true, CancellationToken.None);

        Assert.Equal(3, window.InFlight);
        Assert.Equal(3, Grain(0).RunCalls.Count);
        Assert.False(pass.IsCompleted);
        gate.SetResult();
        await pass.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(12, Grain(0).RunCalls.Count);
        Assert.Equal(0, window.InFlight);
    }

    [Fact]
    public async Task RunAsync_ResumedJob_RunsOnlyWhatTheSnapshotsListAndSkipsDoneGroups()
    {
        var groups = Groups(taskCount: 6, perGrain: 3);
        Grain(0).MarkDone(0, 1, 2);
        Grain(1).MarkDone(4);
        var progress = new BatchProgress();
        progress.Load([new TaskGrainProgress(3, 0, TokenUsage.Zero), TaskGrainProgress.None]);

        await Pass(progress, new InFlightWindow(2), groups).RunAsync(fresh: false, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Empty(Grain(0).RunCalls);
        Assert.Equal([3, 5], Grain(1).RunCalls.SelectMany(c => c));
        Assert.Equal(6, progress.Done);
    }

    [Fact]
    public async Task RunAsync_InputsMissing_FailsTheJobNamingTheTasks()
    {
        var groups = Groups(taskCount: 6, perGrain: 3);
        Grain(1).InputsMissing = true;

        await Pass(Started(groups), new InFlightWindow(2), groups).RunAsync(fresh: false, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["Tasks 3 to 5 are missing from storage, so the job cannot finish."], _failures);
    }

    [Fact]
    public async Task RunAsync_StorageRefusesResults_FailsTheJobWithTheError()
    {
        var groups = Groups(taskCount: 2, perGrain: 2);
        Grain(0).StorageError = "Storage said no.";

        await Pass(Started(groups), new InFlightWindow(1), groups).RunAsync(fresh: true, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Contains("Storage said no. The job cannot finish.", _failures);
    }

    [Fact]
    public async Task RunAsync_CallLost_LeavesItsTasksPendingWithoutFailing()
    {
        var groups = Groups(taskCount: 4, perGrain: 4);
        Grain(0).RunFailure = new TimeoutException("silo gone");
        var progress = Started(groups);

        await Pass(progress, new InFlightWindow(8), groups).RunAsync(fresh: true, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, progress.Done);
        Assert.Empty(_failures);
        Assert.Equal(4, Grain(0).RunCalls.Sum(c => c.Length));
    }

    [Fact]
    public async Task RunAsync_ProvidersAskToWait_RetryAfterIsTheLongest()
    {
        var groups = Groups(taskCount: 4, perGrain: 2);
        Grain(0).RetryAfter = TimeSpan.FromSeconds(2);
        Grain(1).RetryAfter = TimeSpan.FromSeconds(5);
        var pass = Pass(Started(groups), new InFlightWindow(8), groups);

        await pass.RunAsync(fresh: true, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(TimeSpan.FromSeconds(5), pass.RetryAfter);
    }

    [Fact]
    public async Task RunAsync_Stopped_StartsNothingMoreButWaitsForCallsOut()
    {
        var groups = Groups(taskCount: 10, perGrain: 10);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Grain(0).Gate = gate;
        using var stop = new CancellationTokenSource();

        var pass = Pass(Started(groups), new InFlightWindow(2), groups).RunAsync(true, stop.Token);
        await stop.CancelAsync();
        gate.SetResult();
        await pass.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(2, Grain(0).RunCalls.Count);
    }
}
