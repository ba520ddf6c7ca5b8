using System.Collections.Immutable;

namespace OrleansGateway.Batch;

/// <summary>
/// A job's task groups as its <see cref="BatchJobGrain"/> reaches them: one <see cref="ITaskGrain"/>
/// per <see cref="TasksPerGrain"/> consecutive tasks (references cached: resolving one costs more
/// than the call it makes), written and read with a bounded number of calls at once.
/// </summary>
public sealed class JobTaskGroups(Func<string, ITaskGrain> grainOf, string jobId, int taskCount, int tasksPerGrain)
{
    /// <summary>Progress reads in flight when an activation counts what is stored.</summary>
    public const int ParallelReads = 64;

    private readonly Dictionary<int, ITaskGrain> _grains = [];

    /// <summary>The job's tasks.</summary>
    public int TaskCount => taskCount;

    /// <summary>Tasks per group (as when the job was submitted).</summary>
    public int TasksPerGrain => tasksPerGrain;

    /// <summary>How many groups the job has.</summary>
    public int Count => TaskGrainKeys.GroupCount(taskCount, tasksPerGrain);

    /// <summary>The grain of group <paramref name="group"/>.</summary>
    public ITaskGrain this[int group]
    {
        get
        {
            if (!_grains.TryGetValue(group, out var grain))
            {
                grain = grainOf(TaskGrainKeys.For(jobId, group));
                _grains[group] = grain;
            }

            return grain;
        }
    }

    /// <summary>Stores each group's slice of <paramref name="spec"/>'s tasks in its grain, through <paramref name="writer"/> (calls that fit one message).</summary>
    public Task InitializeAsync(BatchJobSpec spec, TaskGroupWriter writer) =>
        writer.WriteAllAsync(Template(spec), tasksPerGrain, spec.Tasks);

    /// <summary>
    /// Puts a submitted job's tasks in place before the job is recorded. A job whose submitter wrote the groups itself
    /// (<see cref="BatchJobSpec.StoredTaskCount"/>): checks each is there and answers their stored progress. Otherwise:
    /// <paramref name="reserve"/> (which arranges their discard should the job never be recorded), then writes them through
    /// <paramref name="writer"/> and answers null; a failed write calls <paramref name="discard"/> before it is thrown on.
    /// </summary>
    public async Task<TaskGrainProgress[]?> StoreAsync(BatchJobSpec spec, Func<TaskGroupWriter> writer, Func<Task> reserve, Func<Task> discard)
    {
        if (spec.StoredTaskCount > 0)
        {
            var (progress, missing) = await ReadSnapshotsAsync();
            return missing.Length == 0
                ? progress
                : throw new ArgumentException($"Batch job '{jobId}': {missing.Length} of its {Count} task groups were not stored (the first: {missing[0]}).", nameof(spec));
        }

        await reserve();
        try
        {
            await InitializeAsync(spec, writer());
        }
        catch (Exception)
        {
            // Nothing is recorded: the groups written so far must not stay behind.
            await discard();
            throw;
        }

        return null;
    }

    /// <summary>The group spec every group of <paramref name="spec"/> starts from: the job, its model and parameters, no tasks.</summary>
    public TaskGrainSpec Template(BatchJobSpec spec) => new(jobId, spec.Model, 0, [])
    {
        MaxTokens = spec.MaxTokens,
        Temperature = spec.Temperature,
        TopP = spec.TopP,
        KeyId = spec.KeyId,
    };

    /// <summary>Discards groups 0 to <paramref name="groupCount"/> - 1 (their tasks, results and blobs), a bounded number at once.</summary>
    public Task DiscardAsync(int groupCount) =>
        BoundedWorkers.RunAsync(groupCount, ParallelReads, group => this[group].DiscardAsync());

    /// <summary>Every group's progress, counted from its stored results.</summary>
    public async Task<TaskGrainProgress[]> ReadProgressAsync() => (await ReadSnapshotsAsync()).Progress;

    /// <summary>Every group's progress, and the groups whose grain holds no tasks.</summary>
    public async Task<(TaskGrainProgress[] Progress, int[] Missing)> ReadSnapshotsAsync()
    {
        var progress = new TaskGrainProgress[Count];
        var missing = new bool[Count];
        await BoundedWorkers.RunAsync(progress.Length, ParallelReads, async group =>
        {
            var snapshot = await this[group].GetSnapshotAsync();
            progress[group] = snapshot.Progress;
            missing[group] = snapshot.InputsMissing;
        });
        return (progress, [.. Enumerable.Range(0, Count).Where(group => missing[group])]);
    }

    /// <summary>The results of tasks <paramref name="offset"/> to <paramref name="offset"/> + <paramref name="limit"/> - 1 (within the job), in task order.</summary>
    public async Task<ImmutableArray<BatchTaskResult>> ReadResultsAsync(int offset, int limit)
    {
        if (limit <= 0 || offset < 0 || offset >= taskCount)
        {
            return [];
        }

        var end = (int)Math.Min((long)offset + limit, taskCount);
        var reads = new List<Task<ImmutableArray<BatchTaskResult>>>();
        for (var group = offset / tasksPerGrain; group * tasksPerGrain < end; group++)
        {
            reads.Add(this[group].GetResultsAsync(offset, end - offset));
        }

        var builder = ImmutableArray.CreateBuilder<BatchTaskResult>(end - offset);
        foreach (var part in await Task.WhenAll(reads))
        {
            builder.AddRange(part);
        }

        return builder.ToImmutable();
    }

    /// <summary>Tells the grains of <paramref name="groups"/> to cancel their running tasks.</summary>
    public Task CancelAsync(IEnumerable<int> groups) => Task.WhenAll(groups.Select(group => this[group].CancelAsync()));

    /// <summary>As <see cref="CancelAsync"/>; answers why not every group could be told (null when all were, or none had to be).</summary>
    public async Task<string?> TryCancelAsync(IEnumerable<int> groups)
    {
        try
        {
            await CancelAsync([.. groups]);
            return null;
        }
        catch (Exception exception)
        {
            return exception.Message;
        }
    }
}
