namespace OrleansGateway.Batch;

/// <summary>
/// Runs <c>work(0)</c> to <c>work(count - 1)</c> with at most a given number at once, each index
/// once. The workers run where the caller runs (a grain's scheduler), unlike <see cref="Parallel.ForEachAsync{TSource}(IEnumerable{TSource}, Func{TSource, CancellationToken, ValueTask})"/>,
/// which would run them on the thread pool, outside the activation.
/// </summary>
public static class BoundedWorkers
{
    /// <summary>Runs every index through <paramref name="work"/>, <paramref name="workers"/> at a time; fails with the first failure once all workers stopped.</summary>
    public static Task RunAsync(int count, int workers, Func<int, Task> work)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        var next = -1;
        async Task WorkerAsync()
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < count)
            {
                await work(index);
            }
        }

        return Task.WhenAll(Enumerable.Range(0, Math.Min(workers, count)).Select(_ => WorkerAsync()));
    }
}
