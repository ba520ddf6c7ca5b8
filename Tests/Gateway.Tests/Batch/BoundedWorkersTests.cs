namespace OrleansGateway.Tests.Batch;

/// <summary>The bounded-worker loop of submission writes and progress reads: every index once, never more at once than the bound.</summary>
public sealed class BoundedWorkersTests
{
    [Fact]
    public async Task RunAsync_ManyIndexes_EachOnceAndAtMostWorkersAtOnce()
    {
        var seen = new int[100];
        var running = 0;
        var most = 0;

        await BoundedWorkers.RunAsync(seen.Length, 7, async index =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            await Task.Yield();
            Interlocked.Increment(ref seen[index]);
            Interlocked.Decrement(ref running);
        }).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.All(seen, count => Assert.Equal(1, count));
        Assert.InRange(most, 1, 7);
    }

    [Fact]
    public async Task RunAsync_WorkersBlocked_StartsExactlyTheBound()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = 0;

        var run = BoundedWorkers.RunAsync(10, 3, async _ =>
        {
            Interlocked.Increment(ref started);
            await gate.Task;
        });

        Assert.Equal(3, Volatile.Read(ref started));
        gate.SetResult();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(10, started);
    }

    [Fact]
    public async Task RunAsync_NoIndexes_CompletesWithoutWork()
    {
        var calls = 0;

        await BoundedWorkers.RunAsync(0, 4, _ => { calls++; return Task.CompletedTask; });

        Assert.Equal(0, calls);
    }

    [Fact]
    public async Task RunAsync_OneIndexFails_OthersStillRunAndTheErrorSurfaces()
    {
        var done = new bool[6];

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => BoundedWorkers.RunAsync(done.Length, 2, async index =>
        {
            await Task.Yield();
            if (index == 1)
            {
                throw new InvalidOperationException("index 1");
            }

            done[index] = true;
        }));

        Assert.Equal("index 1", error.Message);
        Assert.Equal([true, false, true, true, true, true], done);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
