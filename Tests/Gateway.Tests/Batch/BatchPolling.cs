namespace OrleansGateway.Tests.Batch;

/// <summary>
/// Waits for a batch job to reach a condition (through <see cref="Eventually"/>), answering the
/// value that met it; a timeout fails with the last value read, so the failure says where the job was.
/// </summary>
public static class BatchPolling
{
    /// <summary>Reads with <paramref name="read"/> until <paramref name="condition"/> holds, or fails after <paramref name="timeout"/> with <paramref name="describe"/> of the last read.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> condition, Func<T?, string> describe, TimeSpan timeout)
    {
        T? last = default;
        try
        {
            await Eventually.UntilAsync(async () => condition(last = await read()), "the batch condition", timeout);
        }
        catch (Xunit.Sdk.XunitException)
        {
            throw new Xunit.Sdk.XunitException(describe(last));
        }

        return last!;
    }
}
