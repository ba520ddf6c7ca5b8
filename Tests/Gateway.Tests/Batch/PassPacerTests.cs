namespace OrleansGateway.Tests.Batch;

/// <summary>The pause between a job's passes: none first, then 200 ms doubling to 30 s, reset by progress, raised to Retry-After.</summary>
public sealed class PassPacerTests
{
    [Fact]
    public void Next_NoProgress_ZeroThenDoublingFrom200MsUpTo30s()
    {
        var pacer = new PassPacer();

        var pauses = Enumerable.Range(0, 11).Select(_ => pacer.Next(progressed: false).TotalMilliseconds).ToArray();

        Assert.Equal([0, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 30000, 30000], pauses);
    }

    [Fact]
    public void Next_PassFinishedTasks_StartsTheSequenceAgain()
    {
        var pacer = new PassPacer();
        pacer.Next(false);
        pacer.Next(false);
        pacer.Next(false);

        Assert.Equal(TimeSpan.Zero, pacer.Next(progressed: true));
        Assert.Equal(PassPacer.FirstPause, pacer.Next(progressed: false));
    }

    [Fact]
    public void Next_RetryAfterLongerThanPause_WaitsRetryAfterCappedAt30s()
    {
        var pacer = new PassPacer();

        Assert.Equal(TimeSpan.FromSeconds(2), pacer.Next(false, TimeSpan.FromSeconds(2)));
        Assert.Equal(PassPacer.FirstPause, pacer.Next(false, TimeSpan.FromMilliseconds(50)));
        Assert.Equal(PassPacer.MaxPause, pacer.Next(false, TimeSpan.FromMinutes(5)));
        // The doubling goes on from its own pause, not from the Retry-After.
        Assert.Equal(TimeSpan.FromMilliseconds(800), pacer.Next(false));
    }
}
