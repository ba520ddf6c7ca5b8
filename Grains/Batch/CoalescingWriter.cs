namespace OrleansGateway.Batch;

/// <summary>
/// Stores a changing state with as few writes as its callers allow: each change is recorded
/// (<see cref="MarkChanged"/>), and <see cref="EnsureStoredAsync"/> completes once every change recorded
/// so far is stored. Callers arriving while a write gathers (<c>gatherDelay</c>) share it. A write is
/// tried <see cref="Attempts"/> times (0.5 s, then 1 s apart); when every attempt fails the writer is
/// <see cref="Failed"/> and its waiters fail with the error. <c>capture</c> takes what a write stores just
/// before it starts; <c>stored</c> gets it once that write succeeded. Used from one grain activation, so not thread-safe.
/// </summary>
public sealed class CoalescingWriter<TSnapshot>(
    Func<TSnapshot> capture,
    Func<Task> write,
    Action<TSnapshot> stored,
    TimeSpan gatherDelay,
    TimeProvider time,
    Action<Exception>? retrying = null,
    Action<Exception>? gaveUp = null)
{
    /// <summary>Attempts per write.</summary>
    public const int Attempts = 3;

    private TaskCompletionSource? _nextWrite;
    private bool _writing;
    private long _version;
    private long _storedVersion;

    /// <summary>Whether some recorded change is not stored yet.</summary>
    public bool HasUnstored => _storedVersion < _version;

    /// <summary>The error of the first write whose every attempt failed; null while storage accepts the writes.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>Whether a write failed every attempt.</summary>
    public bool Failed => Failure is not null;

    /// <summary>Records a change to store.</summary>
    public void MarkChanged() => _version++;

    /// <summary>Completes once every change recorded so far is stored; concurrent callers share one write.</summary>
    public Task EnsureStoredAsync()
    {
        if (!HasUnstored)
        {
            return Task.CompletedTask;
        }

        var next = _nextWrite ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_writing)
        {
            _ = WriteLoopAsync();
        }

        return next.Task;
    }

    /// <summary>Completes once every change recorded so far is stored, or a write failed every attempt (never throws).</summary>
    public async Task SettleAsync()
    {
        while (HasUnstored && !Failed)
        {
            try
            {
                await EnsureStoredAsync();
            }
            catch (Exception) when (Failed)
            {
                // The caller reads Failure.
            }
        }
    }

    private async Task WriteLoopAsync()
    {
        _writing = true;
        try
        {
            while (_nextWrite is not null)
            {
                if (gatherDelay > TimeSpan.Zero)
                {
                    // Changes made meanwhile join this write.
                    await Task.Delay(gatherDelay, time);
                }

                var waiters = _nextWrite!;
                _nextWrite = null;
                var version = _version;
                var snapshot = capture();
                try
                {
                    // Every change up to version is in this write; later ones may be too, and are stored by the next.
                    await WriteWithRetriesAsync();
                    _storedVersion = Math.Max(_storedVersion, version);
                    stored(snapshot);
                    waiters.TrySetResult();
                }
                catch (Exception exception)
                {
                    Failure ??= exception;
                    gaveUp?.Invoke(exception);
                    waiters.TrySetException(exception);
                }
            }
        }
        finally
        {
            _writing = false;
        }
    }

    private async Task WriteWithRetriesAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await write();
                return;
            }
            catch (Exception exception) when (attempt < Attempts)
            {
                retrying?.Invoke(exception);
                await Task.Delay(TimeSpan.FromMilliseconds(500 * attempt), time);
            }
        }
    }
}
