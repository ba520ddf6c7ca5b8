using System.Collections.Immutable;

namespace OrleansGateway.Batch;

/// <summary>
/// A task group's results as the last successful write stored them: the entries results are served from (never
/// what is only in memory) and their counts, which never go back (a write finishing late with fewer tasks done
/// does not lower them). Fits a result state to its tasks and lists the tasks still pending.
/// </summary>
public sealed class TaskGroupResults
{
    private TaskResultEntry[] _stored = [];

    /// <summary>The entries as last stored, one per task in task order.</summary>
    public IReadOnlyList<TaskResultEntry> Entries => _stored;

    /// <summary>The stored results counted.</summary>
    public TaskGrainProgress Progress { get; private set; } = TaskGrainProgress.None;

    /// <summary>One result entry per task (<paramref name="taskCount"/>), pending where none is stored.</summary>
    public static void Fit(TaskGrainResultState state, int taskCount)
    {
        var entries = state.Entries ??= [];
        while (entries.Count < taskCount)
        {
            entries.Add(new TaskResultEntry());
        }
    }

    /// <summary>The indexes (from <paramref name="firstIndex"/>) of the tasks without a final result.</summary>
    public static ImmutableArray<int> Pending(IReadOnlyList<TaskResultEntry> entries, int firstIndex)
    {
        var pending = ImmutableArray.CreateBuilder<int>();
        for (var i = 0; i < entries.Count; i++)
        {
            if (!entries[i].IsFinal)
            {
                pending.Add(firstIndex + i);
            }
        }

        return pending.ToImmutable();
    }

    /// <summary>Starts from the entries read from storage, counted.</summary>
    public void Load(IEnumerable<TaskResultEntry> entries)
    {
        Serve(entries);
        Progress = TaskResultTally.Count(_stored);
    }

    /// <summary>Serves <paramref name="entries"/> (stored) from now on; the counts stay as they are.</summary>
    public void Serve(IEnumerable<TaskResultEntry> entries) => _stored = [.. entries];

    /// <summary>A write stored <paramref name="written"/>: served from now on, counted unless fewer are done than counted already.</summary>
    public void Written(TaskResultEntry[] written)
    {
        _stored = written;
        var progress = TaskResultTally.Count(written);
        if (progress.Done > Progress.Done)
        {
            Progress = progress;
        }
    }

    /// <summary>Forgets every result (the group was discarded).</summary>
    public void Clear()
    {
        _stored = [];
        Progress = TaskGrainProgress.None;
    }

    /// <summary>
    /// The counts to report for tasks <paramref name="firstIndex"/> on (<paramref name="taskCount"/> of them): with the
    /// storage error when the writer gave up (<paramref name="failure"/>), so the job ends with it rather than calling again.
    /// </summary>
    public TaskGrainProgress Report(Exception? failure, int firstIndex, int taskCount)
    {
        if (failure is null)
        {
            return Progress;
        }

        var last = firstIndex + taskCount - 1;
        return Progress with
        {
            StorageError = $"The results of tasks {firstIndex} to {last} could not be stored in grain storage after {CoalescingWriter<TaskResultEntry[]>.Attempts} attempts ({failure.GetBaseException().GetType().Name}).",
        };
    }
}
