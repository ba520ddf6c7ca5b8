using OrleansGateway.Cluster;
using OrleansGateway.Hosting;

namespace OrleansGateway.Tests.Cluster;

/// <summary>A watched pooled call counts as lost only after two answers in a row say it no longer runs.</summary>
public sealed class PooledCallVerdictTests
{
    [Theory]
    [InlineData(PooledCallState.Unknown)]
    [InlineData(PooledCallState.Finished)]
    public void IsLost_TwoAnswersInARowThatItDoesNotRun_IsLost(PooledCallState answer)
    {
        var verdict = new PooledCallVerdict();

        Assert.False(verdict.IsLost(answer));
        Assert.True(verdict.IsLost(answer));
    }

    [Fact]
    public void IsLost_RunningBetween_StartsCountingAgain()
    {
        var verdict = new PooledCallVerdict();

        Assert.False(verdict.IsLost(PooledCallState.Unknown));
        Assert.False(verdict.IsLost(PooledCallState.Running));
        Assert.False(verdict.IsLost(PooledCallState.Unknown));
        Assert.True(verdict.IsLost(PooledCallState.Unknown));
    }

    [Fact]
    public void IsLost_NoAnswer_SaysNothing()
    {
        var verdict = new PooledCallVerdict();

        Assert.False(verdict.IsLost(PooledCallState.Unknown));
        Assert.False(verdict.IsLost(null));
        Assert.False(verdict.IsLost(null));
        Assert.True(verdict.IsLost(PooledCallState.Unknown));
    }

    [Fact]
    public void IsLost_UnknownThenFinished_IsNotTwoInARow()
    {
        var verdict = new PooledCallVerdict();

        Assert.False(verdict.IsLost(PooledCallState.Unknown));
        Assert.False(verdict.IsLost(PooledCallState.Finished));
        Assert.True(verdict.IsLost(PooledCallState.Finished));
    }
}
