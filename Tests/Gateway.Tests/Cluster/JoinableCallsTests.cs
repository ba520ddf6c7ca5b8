using Microsoft.Extensions.Time.Testing;
using OrleansGateway.Cluster;

namespace OrleansGateway.Tests.Cluster;

/// <summary>Repeated grain calls join the run of their call id; finished answers are kept only while a silo left lately.</summary>
public sealed class JoinableCallsTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly SiloDepartures _departures;
    private readonly JoinableCalls<string> _calls;
    private int _runs;

    public JoinableCallsTests()
    {
        _departures = new SiloDepartures(_time);
        _calls = new JoinableCalls<string>(_departures, _time);
    }

    private Func<CancellationToken, Task<string>> Work(Task<string> answer) => _ =>
    {
        _runs++;
        return answer;
    };

    [Fact]
    public async Task RunAsync_SameIdWhileRunning_JoinsTheRunningWork()
    {
        var answer = new TaskCompletionSource<string>();
        var id = Guid.NewGuid();

        var first = _calls.RunAsync(id, Work(answer.Task), CancellationToken.None);
        var repeat = _calls.RunAsync(id, Work(answer.Task), CancellationToken.None);
        answer.SetResult("done");

        Assert.Equal("done", await first);
        Assert.Equal("done", await repeat);
        Assert.Equal(1, _runs);
    }

    [Fact]
    public async Task RunAsync_OtherId_RunsItsOwnWork()
    {
        var answer = new TaskCompletionSource<string>();

        var first = _calls.RunAsync(Guid.NewGuid(), Work(answer.Task), CancellationToken.None);
        var other = _calls.RunAsync(Guid.NewGuid(), Work(answer.Task), CancellationToken.None);
        answer.SetResult("done");
        await Task.WhenAll(first, other);

        Assert.Equal(2, _runs);
    }

    [Fact]
    public async Task RunAsync_SameIdAfterTheRunEnded_InSteadyState_KeepsNothingAndRunsAgain()
    {
        var answer = new TaskCompletionSource<string>();
        var id = Guid.NewGuid();
        var first = _calls.RunAsync(id, Work(answer.Task), CancellationToken.None);
        answer.SetResult("done");
        await first;

        Assert.Equal(0, _calls.Count);
        Assert.Equal("again", await _calls.RunAsync(id, Work(Task.FromResult("again")), CancellationToken.None));
        Assert.Equal(2, _runs);
    }

    [Fact]
    public async Task RunAsync_SameIdAfterTheRunEnded_WhileASiloLeftLately_GetsTheKeptAnswerUntilRetentionEnds()
    {
        _departures.Record();
        var answer = new TaskCompletionSource<string>();
        var id = Guid.NewGuid();
        var first = _calls.RunAsync(id, Work(answer.Task), CancellationToken.None);
        answer.SetResult("done");
        await first;

        _time.Advance(JoinableCalls<string>.Retention - TimeSpan.FromSeconds(1));
        Assert.Equal("done", await _calls.RunAsync(id, Work(Task.FromResult("again")), CancellationToken.None));
        Assert.Equal(1, _runs);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("again", await _calls.RunAsync(id, Work(Task.FromResult("again")), CancellationToken.None));
        Assert.Equal(2, _runs);
        Assert.Equal(0, _calls.Count);
    }

    [Fact]
    public async Task RunAsync_RunEndsAfterTheDepartureWindow_KeepsNothing()
    {
        _departures.Record();
        _time.Advance(SiloDepartures.Window);
        var answer = new TaskCompletionSource<string>();
        var first = _calls.RunAsync(Guid.NewGuid(), Work(answer.Task), CancellationToken.None);
        answer.SetResult("done");
        await first;

        Assert.False(_departures.Recent);
        Assert.Equal(0, _calls.Count);
    }

    [Fact]
    public async Task RunAsync_JoiningCallerCancels_EndsOnlyItsOwnWait()
    {
        var answer = new TaskCompletionSource<string>();
        var id = Guid.NewGuid();
        using var leaving = new CancellationTokenSource();
        var first = _calls.RunAsync(id, Work(answer.Task), CancellationToken.None);
        var repeat = _calls.RunAsync(id, Work(answer.Task), leaving.Token);

        await leaving.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => repeat);
        Assert.False(first.IsCompleted);

        answer.SetResult("done");
        Assert.Equal("done", await first);
    }

    [Fact]
    public async Task RunAsync_WorkFails_TheJoinedCallerGetsTheSameFailure()
    {
        var answer = new TaskCompletionSource<string>();
        var id = Guid.NewGuid();
        var first = _calls.RunAsync(id, Work(answer.Task), CancellationToken.None);
        var repeat = _calls.RunAsync(id, Work(answer.Task), CancellationToken.None);
        answer.SetException(new InvalidOperationException("provider gone"));

        Assert.Equal("provider gone", (await Assert.ThrowsAsync<InvalidOperationException>(() => first)).Message);
        Assert.Equal("provider gone", (await Assert.ThrowsAsync<InvalidOperationException>(() => repeat)).Message);
        Assert.Equal(1, _runs);
    }

    [Fact]
    public async Task StateOf_TellsRunningFinishedAndUnknown()
    {
        _departures.Record();
        var answer = new TaskCompletionSource<string>();
        var id = Guid.NewGuid();

        Assert.Equal(PooledCallState.Unknown, _calls.StateOf(id));
        var call = _calls.RunAsync(id, Work(answer.Task), CancellationToken.None);
        Assert.Equal(PooledCallState.Running, _calls.StateOf(id));
        answer.SetResult("done");
        await call;
        Assert.Equal(PooledCallState.Finished, _calls.StateOf(id));
        _time.Advance(JoinableCalls<string>.Retention);
        Assert.Equal(PooledCallState.Unknown, _calls.StateOf(id));
    }
}
