using System.Collections.Immutable;

namespace OrleansGateway.Batch;

/// <summary>
/// One pass of a job over its unfinished tasks, in task order: per group, the pending tasks (all of
/// them for a fresh job, else what the group's snapshot says), started <see cref="InFlightWindow.TasksPerCall"/>
/// to a call with at most <see cref="InFlightWindow.Size"/> in flight; each answer's counts go into
/// the job's <see cref="BatchProgress"/>. A group that reports an end (inputs missing, results that
/// storage refuses) calls <c>fail</c>, which ends the job; a call that fails (a grain lost with its
/// silo) leaves its tasks for the next pass. Runs on the job's activation, so not thread-safe.
/// </summary>
public sealed partial class BatchPass(
    BatchProgress progress,
    InFlightWindow window,
    JobTaskGroups groups,
    Func<string, Task> fail,
    ILogger logger)
{
    /// <summary>The job (for the log).</summary>
    public required string JobId { get; init; }

    /// <summary>The longest wait a provider asked for among the tasks it turned away in this pass.</summary>
    public TimeSpan? RetryAfter { get; private set; }

    /// <summary>
    /// Runs the pass until every started call answered, or until <paramref name="stop"/> (a cancel,
    /// an end, a deactivation) stops it from starting more. <paramref name="fresh"/>: a job just submitted, nothing to read back.
    /// </summary>
    public async Task RunAsync(bool fresh, CancellationToken stop)
    {
        for (var group = 0; group < groups.Count && !stop.IsCancellationRequested; group++)
        {
            var first = group * groups.TasksPerGrain;
            var size = TaskGrainKeys.GroupSize(group, groups.TaskCount, groups.TasksPerGrain);
            if (progress.IsGroupDone(group, size))
            {
                continue;
            }

            IEnumerable<int> pending;
            if (fresh)
            {
                pending = Enumerable.Range(first, size);
            }
            else
            {
                var snapshot = await groups[group].GetSnapshotAsync();
                if (snapshot.InputsMissing)
                {
                    await fail($"Tasks {first} to {first + size - 1} are missing from storage, so the job cannot finish.");
                    break;
                }

                if (await ApplyAsync(group, snapshot.Progress))
                {
                    break;
                }

                pending = snapshot.PendingIndexes;
            }

            var call = ImmutableArray.CreateBuilder<int>(window.TasksPerCall);
            foreach (var index in pending)
            {
                call.Add(index);
                if (call.Count == window.TasksPerCall && !await StartAsync(group, call.DrainToImmutable(), stop))
                {
                    break;
                }
            }

            if (call.Count > 0)
            {
                await StartAsync(group, call.DrainToImmutable(), stop);
            }
        }

        await window.WaitUntilEmptyAsync();
    }

    /// <summary>Waits for room in the window, then starts the tasks; false when the pass was stopped meanwhile.</summary>
    private async Task<bool> StartAsync(int group, ImmutableArray<int> indexes, CancellationToken stop)
    {
        await window.WaitForRoomAsync(indexes.Length);
        if (stop.IsCancellationRequested)
        {
            return false;
        }

        window.Enter(group, indexes.Length);
        _ = RunAsync(group, indexes);
        return true;
    }

    private async Task RunAsync(int group, ImmutableArray<int> indexes)
    {
        try
        {
            var answer = await groups[group].RunAsync(indexes);
            if (answer.RetryAfter is { } wait && (RetryAfter is null || wait > RetryAfter))
            {
                RetryAfter = wait;
            }

            await ApplyAsync(group, answer);
        }
        catch (Exception exception)
        {
            Log.TaskCallFailed(logger, JobId, indexes[0], indexes[^1], exception.GetType().Name, exception.Message);
        }
        finally
        {
            window.Leave(group, indexes.Length);
        }
    }

    /// <summary>Takes a group's report; true when it says storage refuses the group's results, which ends the job.</summary>
    private async Task<bool> ApplyAsync(int group, TaskGrainProgress report)
    {
        progress.Apply(group, report);
        if (report.StorageError is not { } storageError)
        {
            return false;
        }

        // Storage refuses the group's results: end the job with the reason instead of running them again.
        await fail(storageError + " The job cannot finish.");
        return true;
    }
}
