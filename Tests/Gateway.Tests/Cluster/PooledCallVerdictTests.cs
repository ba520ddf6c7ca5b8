using OrleansGateway.Cluster;
using OrleansGateway.Hosting;

namespace OrleansGateway.Tests.Cluster;

/// <summary>A watched pooled call counts as lost only after two answers in a row say it no longer runs.</summary>
public sealed class PooledCallVerdictTests
{
    [Theory]
    [InlineData(PooledCallState.Unknown)]
    [InlineData(PooledCallState.Finished)]
    public void IsLost_TwoAnswersInARowThatItDoesNotRun_IsLost(PooledCallState answer) =>
        AssertVerdicts((answer, false), (answer, true));

    [Fact]
    public void IsLost_RunningBetween_StartsCountingAgain() =>
        AssertVerdicts((PooledCallState.Unknown, false), (PooledCallState.Running, false), (PooledCallState.Unknown, false), (PooledCallState.Unknown, true));

    [Fact]
    public void IsLost_NoAnswer_SaysNothing() =>
        AssertVerdicts((PooledCallState.Unknown, false), (null, false), (null, false), (PooledCallState.Unknown, true));

    [Fact]
    public void IsLost_UnknownThenFinished_IsNotTwoInARow() =>
        AssertVerdicts((PooledCallState.Unknown, false), (PooledCallState.Finished, false), (PooledCallState.Finished, true));

    /// <summary>Gives one verdict the answers in order and checks, after each, whether it counts the call as lost.</summary>
    private static void AssertVerdicts(params (PooledCallState? Answer, bool Lost)[] steps)
    {
        var verdict = new PooledCallVerdict();
        for (var i = 0; i < steps.Length; i++)
        {
            var (answer, lost) = steps[i];
            Assert.True(verdict.IsLost(answer) == lost, $"After answer {i + 1} ({answer?.ToString() ?? "none"}), expected IsLost = {lost}.");
        }
    }
}
