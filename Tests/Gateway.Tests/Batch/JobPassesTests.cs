using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace OrleansGateway.Tests.Batch;

/// <summary>
/// A job's passes against fake task groups and a fake clock: one pass when every task finishes, another after the
/// pacer's pause when a call failed, the window's close reported as expired, a job that stops running left as it is.
/// </summary>
public sealed class JobPassesTests
{
    private readonly Dictionary<string, FakeTaskGrain> _grains = [];
    private readonly FakeTimeProvider _time = new();
    private readonly BatchProgress _progress = new();
    private readonly JobTaskGroups _groups;

    public JobPassesTests()
    {
        for (var group = 0; group < 3; group++)
        {
            _grains[TaskGrainKeys.For("job", group)] = new FakeTaskGrain(group * 4, TaskGrainKeys.GroupSize(group, 10, 4));
        }

        _groups = new JobTaskGroups(key => _grains[key], "job", 10, 4);
        _progress.Start(_groups.Count);
    }

    private FakeTaskGrain Grain(int group) => _grains[TaskGrainKeys.For("job", group)];

    private Task<BatchJobStatus?> RunAsync(Func<bool> running, Func<bool>? expired = null, CancellationToken stop = default) =>
        new JobPasses(_progress, new InFlightWindow(4), _groups, _ => Task.CompletedTask, _time, NullLogger.Instance) { JobId = "job" }
            .RunAsync(fresh: true, running, expired ?? (() => false), stop);

    [Fact]
    public async Task RunAsync_EveryTaskFinishes_CompletedAfterOnePass()
    {
        var end = await RunAsync(() => true).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(BatchJobStatus.Completed, end);
        Assert.Equal(10, _progress.Done);
        Assert.Equal(Enumerable.Range(0, 10), _grains.Values.SelectMany(g => g.RunCalls).SelectMany(c => c).Order());
    }

    [Fact]
    public async Task RunAsync_ACallFails_NextPassAfterThePacersPauseRunsWhatIsLeft()
    {
        Grain(1).RunFailure = new TimeoutException("silo gone");

        var run = RunAsync(() => true);
        await Eventually.UntilAsync(() => Grain(1).RunCalls.Count > 0 && Grain(2).RunCalls.Count > 0, "the first pass to call both groups", TimeSpan.FromSeconds(10));
        Grain(1).RunFailure = null;
        var callsInFirstPass = Grain(1).RunCalls.Count;
        await Task.Delay(50);
        Assert.False(run.IsCompleted);
        Assert.Equal(callsInFirstPass, Grain(1).RunCalls.Count);

        _time.Advance(PassPacer.FirstPause);
        var end = await run.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(BatchJobStatus.Completed, end);
        Assert.Equal(10, _progress.Done);
        Assert.True(Grain(1).RunCalls.Count > callsInFirstPass);
        Assert.Equal([0, 1, 2, 3], Grain(0).RunCalls.SelectMany(c => c).Order());
    }

    [Fact]
    public async Task RunAsync_TasksPendingWhenTheWindowCloses_Expired()
    {
        Grain(2).RunFailure = new TimeoutException("silo gone");

        var end = await RunAsync(() => true, expired: () => true).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(BatchJobStatus.Expired, end);
        Assert.Equal(8, _progress.Done);
    }

    [Fact]
    public async Task RunAsync_StopsRunningDuringAPass_NoEndAndNoFurtherPass()
    {
        Grain(0).RunFailure = new TimeoutException("silo gone");
        var passes = 0;

        var end = await RunAsync(() => passes++ == 0).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Null(end);
        Assert.Equal([0, 1, 2, 3], Grain(0).RunCalls.SelectMany(c => c).Order());
    }

    [Fact]
    public async Task RunAsync_NotRunning_StartsNothing()
    {
        var end = await RunAsync(() => false).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Null(end);
        Assert.All(_grains.Values, grain => Assert.Empty(grain.RunCalls));
    }
}
