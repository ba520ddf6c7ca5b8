using System.Runtime.CompilerServices;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using OrleansGateway.Cluster;

namespace OrleansGateway.Tests.Cluster;

public sealed class SiloLossPolicyTests
{
    public static TheoryData<Exception, SiloLossKind> Cases() => new()
    {
        { new SiloUnavailableException("silo gone"), SiloLossKind.Rejected },
        { Uninitialized<OrleansMessageRejectionException>(), SiloLossKind.Rejected },
        { new ConnectionFailedException("refused"), SiloLossKind.Rejected },
        { new TimeoutException("no answer"), SiloLossKind.Unanswered },
        { Uninitialized<ClientNotAvailableException>(), SiloLossKind.Unanswered },
        { new InvalidOperationException("the grain's own failure"), SiloLossKind.None },
        { new OperationCanceledException(), SiloLossKind.None },
        { new OrleansException("another Orleans failure"), SiloLossKind.None },
        { new AggregateException(new SiloUnavailableException()), SiloLossKind.None },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Classify_Exception_SaysWhatTheSiloLossIs(Exception exception, SiloLossKind expected) =>
        Assert.Equal(expected, SiloLossPolicy.Classify(exception));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Predicates_Exception_FollowTheClassification(Exception exception, SiloLossKind kind)
    {
        Assert.Equal(kind == SiloLossKind.Rejected, SiloLossPolicy.CanResend(exception));
        Assert.Equal(kind != SiloLossKind.None, SiloLossPolicy.IsLostWithSilo(exception));
    }

    [Fact]
    public void IsLostWithSilo_CancelledCallTheCallerDidNotCancel_IsWorthAnotherTry()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.True(SiloLossPolicy.IsLostWithSilo(new OperationCanceledException(), CancellationToken.None));
        Assert.False(SiloLossPolicy.IsLostWithSilo(new OperationCanceledException(), cancelled.Token));
        Assert.True(SiloLossPolicy.IsLostWithSilo(new SiloUnavailableException(), cancelled.Token));
        Assert.False(SiloLossPolicy.IsLostWithSilo(new InvalidOperationException("the grain's own failure"), CancellationToken.None));
    }

    [Theory]
    [InlineData(0, 100)]
    [InlineData(1, 200)]
    [InlineData(2, 400)]
    [InlineData(3, 800)]
    [InlineData(4, 1000)]
    [InlineData(50, 1000)]
    public void Pause_Attempt_DoublesFrom100MillisecondsUpToOneSecond(int attempt, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), SiloLossPolicy.Pause(attempt));

    [Fact]
    public async Task RunAsync_RejectedThenAnswered_RepeatsUntilAnswered()
    {
        var time = new FakeTimeProvider();
        var calls = 0;
        var run = SiloLossRetry.RunAsync(() => ++calls < 3 ? throw new ConnectionFailedException("refused") : Task.FromResult(calls), time, CancellationToken.None);

        await AdvanceUntilDoneAsync(run, time, () => calls);

        Assert.Equal(3, await run);
    }

    [Fact]
    public async Task RunAsync_Unanswered_IsNotRepeated()
    {
        var calls = 0;
        await Assert.ThrowsAsync<TimeoutException>(() =>
            SiloLossRetry.RunAsync<int>(() => { calls++; throw new TimeoutException(); }, new FakeTimeProvider(), CancellationToken.None));
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task RunAsync_RejectedPastTheDeadline_Throws()
    {
        var time = new FakeTimeProvider();
        var calls = 0;
        var start = time.GetUtcNow();
        var run = SiloLossRetry.RunAsync<int>(() => { calls++; throw new SiloUnavailableException(); }, time, CancellationToken.None);

        await AdvanceUntilDoneAsync(run, time, () => calls);

        await Assert.ThrowsAsync<SiloUnavailableException>(() => run);
        Assert.True(time.GetUtcNow() - start >= SiloLossPolicy.Deadline, $"gave up after {time.GetUtcNow() - start}, before the deadline");
        Assert.True(calls > 2, $"expected repeats until the deadline, got {calls} calls");
    }

    /// <summary>Moves the clock on by a second after each call until the retry loop ends.</summary>
    private static async Task AdvanceUntilDoneAsync(Task run, FakeTimeProvider time, Func<int> calls)
    {
        for (var expected = 1; !run.IsCompleted; expected++)
        {
            var next = expected;
            await Eventually.UntilAsync(() => run.IsCompleted || calls() >= next, $"call {next}", TimeSpan.FromSeconds(10));
            time.Advance(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>An Orleans exception whose constructors are internal; only its type matters here.</summary>
    private static T Uninitialized<T>()
        where T : Exception => (T)RuntimeHelpers.GetUninitializedObject(typeof(T));
}
