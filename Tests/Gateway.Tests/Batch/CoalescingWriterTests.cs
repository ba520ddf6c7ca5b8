using Microsoft.Extensions.Time.Testing;

namespace OrleansGateway.Tests.Batch;

/// <summary>
/// The task group's results writer under a fake clock: changes within the gathering delay share one
/// write, a change during a write goes into the next, failed writes are tried three times (0.5 s and
/// 1 s apart), and a write that fails every attempt fails its waiters and the writer.
/// </summary>
public sealed class CoalescingWriterTests
{
    private static readonly TimeSpan s_gather = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new();
    private readonly List<int> _stored = [];
    private int _value;
    private int _writes;
    private int _retries;
    private int _gaveUp;
    private Func<Task> _write;

    public CoalescingWriterTests()
    {
        _write = () =>
        {
            _writes++;
            return Task.CompletedTask;
        };
    }

    private CoalescingWriter<int> Writer() => new(
        () => _value,
        () => _write(),
        _stored.Add,
        s_gather,
        _time,
        retrying: _ => _retries++,
        gaveUp: _ => _gaveUp++);

    [Fact]
    public async Task EnsureStoredAsync_NothingChanged_CompletesWithoutAWrite()
    {
        var writer = Writer();

        await writer.EnsureStoredAsync().WaitAsync(s_timeout);

        Assert.Equal(0, _writes);
        Assert.False(writer.HasUnstored);
    }

    [Fact]
    public async Task EnsureStoredAsync_ChangesWithinTheGatheringDelay_ShareOneWrite()
    {
        var writer = Writer();
        _value = 1;
        writer.MarkChanged();
        var first = writer.EnsureStoredAsync();
        _value = 2;
        writer.MarkChanged();
        var second = writer.EnsureStoredAsync();

        _time.Advance(s_gather - TimeSpan.FromTicks(1));
        Assert.Equal(0, _writes);
        _time.Advance(TimeSpan.FromTicks(1));

        await Task.WhenAll(first, second).WaitAsync(s_timeout);
        Assert.Equal(1, _writes);
        Assert.Equal([2], _stored);
        Assert.False(writer.HasUnstored);
    }

    [Fact]
    public async Task EnsureStoredAsync_ChangeDuringAWrite_GoesIntoTheNextWrite()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _write = async () =>
        {
            _writes++;
            if (_writes == 1)
            {
                writing.SetResult();
                await gate.Task;
            }
        };
        var writer = Writer();
        _value = 1;
        writer.MarkChanged();
        var first = writer.EnsureStoredAsync();
        _time.Advance(s_gather);
        await writing.Task.WaitAsync(s_timeout);

        _value = 2;
        writer.MarkChanged();
        var second = writer.EnsureStoredAsync();
        gate.SetResult();
        await first.WaitAsync(s_timeout);
        Assert.False(second.IsCompleted, "the second change is not in the first write");
        await AdvanceUntilAsync(second);

        Assert.Equal(2, _writes);
        Assert.Equal([1, 2], _stored);
    }

    [Fact]
    public async Task EnsureStoredAsync_WriteFailsTwice_StoredOnTheThirdAttempt()
    {
        _write = () => ++_writes <= 2 ? throw new IOException("storage down") : Task.CompletedTask;
        var writer = Writer();
        writer.MarkChanged();

        await AdvanceUntilAsync(writer.EnsureStoredAsync());

        Assert.Equal((3, 2, 0), (_writes, _retries, _gaveUp));
        Assert.False(writer.Failed);
        Assert.Single(_stored);
    }

    [Fact]
    public async Task EnsureStoredAsync_EveryAttemptFails_WaitersFailAndTheWriterIsFailed()
    {
        _write = () =>
        {
            _writes++;
            throw new IOException("storage refuses");
        };
        var writer = Writer();
        writer.MarkChanged();
        var waiter = writer.EnsureStoredAsync();

        await AdvanceUntilAsync(waiter, expectFailure: true);

        var error = await Assert.ThrowsAsync<IOException>(() => waiter);
        Assert.Equal("storage refuses", error.Message);
        Assert.Equal((3, 2, 1), (_writes, _retries, _gaveUp));
        Assert.True(writer.Failed);
        Assert.Same(error, writer.Failure);
        Assert.Empty(_stored);
        Assert.True(writer.HasUnstored);
    }

    [Fact]
    public async Task SettleAsync_WritesFail_CompletesWithoutThrowing()
    {
        _write = () => throw new IOException("storage refuses");
        var writer = Writer();
        writer.MarkChanged();

        await AdvanceUntilAsync(writer.SettleAsync());

        Assert.True(writer.Failed);
    }

    /// <summary>Moves the fake clock on in 100 ms steps until <paramref name="task"/> ends (its timers are set asynchronously).</summary>
    private async Task AdvanceUntilAsync(Task task, bool expectFailure = false)
    {
        var deadline = DateTime.UtcNow + s_timeout;
        while (!task.IsCompleted && DateTime.UtcNow < deadline)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.WhenAny(task, Task.Delay(5));
        }

        Assert.True(task.IsCompleted, "the writer should have finished as the clock moved on");
        if (!expectFailure)
        {
            await task;
        }
    }
}
