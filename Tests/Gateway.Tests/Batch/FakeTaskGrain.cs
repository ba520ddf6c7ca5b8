namespace OrleansGateway.Tests.Batch;

/// <summary>
/// A task group without a cluster, for the job's plain classes: runs complete each index at once
/// (or wait for <see cref="Gate"/>), recording every call; a snapshot lists what has no result.
/// </summary>
public sealed class FakeTaskGrain(int firstIndex, int size) : ITaskGrain
{
    private readonly HashSet<int> _done = [];

    /// <summary>Every run call's indexes, in call order.</summary>
    public List<ImmutableArray<int>> RunCalls { get; } = [];

    /// <summary>When set, run calls wait for it before answering.</summary>
    public TaskCompletionSource? Gate { get; set; }

    /// <summary>When set, run calls throw it (a call lost with its silo).</summary>
    public Exception? RunFailure { get; set; }

    /// <summary>Reported with every answer.</summary>
    public string? StorageError { get; set; }

    /// <summary>Reported with every run answer.</summary>
    public TimeSpan? RetryAfter { get; set; }

    /// <summary>Whether the snapshot says the inputs are gone.</summary>
    public bool InputsMissing { get; set; }

    /// <summary>The spec given to <see cref="InitializeAsync"/>.</summary>
    public TaskGrainSpec? Spec { get; private set; }

    /// <summary>Cancel calls received.</summary>
    public int CancelCalls { get; private set; }

    /// <summary>Every spec given to <see cref="InitializeAsync"/> (the pieces of a large group), in call order.</summary>
    public List<TaskGrainSpec> Specs { get; } = [];

    /// <summary>When set, initialize calls throw it (a write that failed).</summary>
    public Exception? InitializeFailure { get; set; }

    public Task InitializeAsync(TaskGrainSpec spec)
    {
        if (InitializeFailure is { } failure)
        {
            return Task.FromException(failure);
        }

        Spec = spec;
        Specs.Add(spec);
        return Task.CompletedTask;
    }

    public async Task<TaskGrainProgress> RunAsync(ImmutableArray<int> indexes)
    {
        RunCalls.Add(indexes);
        if (Gate is { } gate)
        {
            await gate.Task;
        }

        if (RunFailure is { } failure)
        {
            throw failure;
        }

        foreach (var index in indexes)
        {
            _done.Add(index);
        }

        return Progress() with { RetryAfter = RetryAfter };
    }

    public Task CancelAsync()
    {
        CancelCalls++;
        return Task.CompletedTask;
    }

    /// <summary>Discard calls received.</summary>
    public int DiscardCalls { get; private set; }

    /// <summary>When set, discard calls throw it.</summary>
    public Exception? DiscardFailure { get; set; }

    public Task DiscardAsync()
    {
        DiscardCalls++;
        if (DiscardFailure is { } failure)
        {
            return Task.FromException(failure);
        }

        Spec = null;
        Specs.Clear();
        _done.Clear();
        InputsMissing = true;
        return Task.CompletedTask;
    }

    public Task<TaskGrainSnapshot> GetSnapshotAsync() => Task.FromResult(new TaskGrainSnapshot(
        Progress(),
        [.. Enumerable.Range(firstIndex, size).Where(i => !_done.Contains(i))],
        InputsMissing));

    public Task<ImmutableArray<BatchTaskResult>> GetResultsAsync(int from, int count) => Task.FromResult<ImmutableArray<BatchTaskResult>>(
        [.. Enumerable.Range(firstIndex, size).Where(i => i >= from && i < from + count)
            .Select(i => new BatchTaskResult(i, $"t{i}", _done.Contains(i) ? BatchTaskStatus.Completed : BatchTaskStatus.Pending, null, null, null))]);

    /// <summary>Marks indexes done as if an earlier activation had stored their results.</summary>
    public void MarkDone(params int[] indexes) => _done.UnionWith(indexes);

    private TaskGrainProgress Progress() => new(_done.Count, 0, TokenUsage.Zero) { StorageError = StorageError };
}
