namespace OrleansGateway.Tests.Batch;

/// <summary>Interleaved writes of a state run one at a time, in order.</summary>
public sealed class SerialWritesTests
{
    [Fact]
    public async Task WriteAsync_SecondWaitsForTheFirstToEnd()
    {
        var first = new TaskCompletionSource();
        var started = 0;
        var writes = new SerialWrites(() => ++started == 1 ? first.Task : Task.CompletedTask);

        var one = writes.WriteAsync();
        var two = writes.WriteAsync();
        Assert.Equal(1, started);
        Assert.False(two.IsCompleted, "the second write waits for the first");

        first.SetResult();
        await Task.WhenAll(one, two);
        Assert.Equal(2, started);
    }

    [Fact]
    public async Task WriteAsync_FailedWrite_ThrowsAndFreesTheNext()
    {
        var calls = 0;
        var writes = new SerialWrites(() => ++calls == 1 ? Task.FromException(new TimeoutException()) : Task.CompletedTask);

        await Assert.ThrowsAsync<TimeoutException>(writes.WriteAsync);
        await writes.WriteAsync();
        Assert.Equal(2, calls);
    }
}
