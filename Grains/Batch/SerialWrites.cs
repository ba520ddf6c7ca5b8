namespace OrleansGateway.Batch;

/// <summary>
/// Runs a state's writes one at a time, in the order they were asked for: writes of interleaved calls of a
/// reentrant grain each need the ETag the last one left, so a second write waits for the first to end.
/// </summary>
public sealed class SerialWrites(Func<Task> write)
{
    private readonly SemaphoreSlim _lock = new(1, 1);

    /// <summary>Writes once no other write runs; fails with the write's error.</summary>
    public async Task WriteAsync()
    {
        await _lock.WaitAsync();
        try
        {
            await write();
        }
        finally
        {
            _lock.Release();
        }
    }
}
