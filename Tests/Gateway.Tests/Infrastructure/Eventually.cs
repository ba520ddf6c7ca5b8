namespace OrleansGateway.Tests.Infrastructure;

/// <summary>Polls a condition until it holds or a deadline passes, failing with what was awaited.</summary>
public static class Eventually
{
    /// <summary>Waits until <paramref name="condition"/> is true, polling every 10 ms.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"Timed out waiting for {what}.");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>Waits until <paramref name="condition"/> is true, polling every 10 ms.</summary>
    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan timeout) =>
        UntilAsync(() => Task.FromResult(condition()), what, timeout);

    /// <summary>Whether <paramref name="task"/> completes within <paramref name="timeout"/> (awaited, not polled).</summary>
    public static async Task<bool> CompletesWithinAsync(Task task, TimeSpan timeout)
    {
        try
        {
            await task.WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
