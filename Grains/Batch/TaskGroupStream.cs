namespace OrleansGateway.Batch;

/// <summary>The tasks of one job, added in job order (<see cref="TaskGroupWriter.Open"/>); each full group is written as it fills, <see cref="TaskGroupWriter.ParallelGroups"/> at a time, so only the groups in flight are held.</summary>
public sealed class TaskGroupStream(TaskGroupWriter writer, TaskGrainSpec template, int tasksPerGrain)
{
    private readonly Queue<Task> _inFlight = new();
    private List<BatchTask> _group = new(tasksPerGrain);
    private int _groupIndex;

    /// <summary>Tasks added so far.</summary>
    public int Count { get; private set; }

    /// <summary>Groups whose write was started (the last one possibly partial): what a failed submission leaves to discard.</summary>
    public int GroupsStarted => _groupIndex;

    /// <summary>Adds the next task; waits when <see cref="TaskGroupWriter.ParallelGroups"/> group writes are in flight.</summary>
    public async ValueTask AddAsync(BatchTask task)
    {
        _group.Add(task);
        Count++;
        if (_group.Count == tasksPerGrain)
        {
            await StartGroupAsync();
        }
    }

    /// <summary>Writes the last (partial) group and waits for every write; fails with the first failed write.</summary>
    public async Task<int> CompleteAsync()
    {
        if (_group.Count > 0)
        {
            await StartGroupAsync();
        }

        await Task.WhenAll(_inFlight);
        _inFlight.Clear();
        return Count;
    }

    /// <summary>Waits for every write still in flight, ignoring their failures: after a failed submission, before its groups are discarded.</summary>
    public async Task SettleAsync()
    {
        while (_inFlight.TryDequeue(out var write))
        {
            try
            {
                await write;
            }
            catch (Exception)
            {
                // The submission failed already; what this write left is discarded with the rest.
            }
        }
    }

    private async ValueTask StartGroupAsync()
    {
        var tasks = _group;
        var first = _groupIndex * tasksPerGrain;
        _inFlight.Enqueue(writer.WriteGroupAsync(template with { FirstIndex = first }, _groupIndex, tasks));
        _groupIndex++;
        _group = new List<BatchTask>(tasksPerGrain);
        while (_inFlight.Count >= TaskGroupWriter.ParallelGroups)
        {
            await _inFlight.Dequeue();
        }
    }
}
