namespace OrleansGateway.Batch;

/// <summary>
/// A job's counters: the newest progress report of each of its task groups, and their sums. A
/// group's reports only grow (<see cref="TaskGrainProgress.Done"/>), so an older report arriving
/// late changes nothing, and a task run twice is counted once.
/// </summary>
public sealed class BatchProgress
{
    private TaskGrainProgress[] _groups = [];

    /// <summary>Whether the counters hold the groups' reports (set by <see cref="Start"/> or <see cref="Load"/>).</summary>
    public bool IsLoaded { get; private set; }

    /// <summary>Tasks completed in every group.</summary>
    public int Completed { get; private set; }

    /// <summary>Tasks failed in every group.</summary>
    public int Failed { get; private set; }

    /// <summary>Tasks with a final result.</summary>
    public int Done => Completed + Failed;

    /// <summary>Token usage of the completed tasks.</summary>
    public TokenUsage Usage { get; private set; } = TokenUsage.Zero;

    /// <summary>A new job of <paramref name="groups"/> groups: nothing done.</summary>
    public void Start(int groups)
    {
        var none = new TaskGrainProgress[groups];
        Array.Fill(none, TaskGrainProgress.None);
        Load(none);
    }

    /// <summary>Takes every group's report at once (read back after an activation).</summary>
    public void Load(TaskGrainProgress[] groups)
    {
        _groups = groups;
        Completed = groups.Sum(p => p.Completed);
        Failed = groups.Sum(p => p.Failed);
        Usage = groups.Aggregate(TokenUsage.Zero, (sum, p) => sum + p.Usage);
        IsLoaded = true;
    }

    /// <summary>Whether each of the group's <paramref name="size"/> tasks has a final result.</summary>
    public bool IsGroupDone(int group, int size) => _groups[group].Done >= size;

    /// <summary>Takes a group's report if it is newer than the one held; true when it changed the counters.</summary>
    public bool Apply(int group, TaskGrainProgress progress)
    {
        var old = _groups[group];
        if (progress.Done <= old.Done)
        {
            return false;
        }

        _groups[group] = progress;
        Completed += progress.Completed - old.Completed;
        Failed += progress.Failed - old.Failed;
        Usage = new TokenUsage(
            Usage.PromptTokens + progress.Usage.PromptTokens - old.Usage.PromptTokens,
            Usage.CompletionTokens + progress.Usage.CompletionTokens - old.Usage.CompletionTokens,
            Usage.TotalTokens + progress.Usage.TotalTokens - old.Usage.TotalTokens);
        return true;
    }

    /// <summary>Copies the counters into the job's state (nothing when they were never loaded).</summary>
    public void CopyTo(BatchJobState state)
    {
        if (!IsLoaded)
        {
            return;
        }

        state.CompletedCount = Completed;
        state.FailedCount = Failed;
        state.PromptTokens = Usage.PromptTokens;
        state.CompletionTokens = Usage.CompletionTokens;
        state.TotalTokens = Usage.TotalTokens;
    }
}
