namespace OrleansGateway.Batch;

/// <summary>
/// The tasks of one job in flight at once: at most <see cref="Size"/> (a single call may exceed it
/// when nothing else is in flight), started <see cref="TasksPerCall"/> to a call, and which task
/// groups have calls out (those a cancel must reach). Used from one grain activation, so not thread-safe.
/// </summary>
public sealed class InFlightWindow
{
    /// <summary>Most tasks of one group started by one call: fewer messages per task, while slots are still refilled a few at a time.</summary>
    public const int MaxTasksPerCall = 8;

    private readonly Dictionary<int, int> _callsPerGroup = [];
    private TaskCompletionSource? _changed;

    /// <summary>A window of <paramref name="size"/> tasks (at least 1).</summary>
    public InFlightWindow(int size)
    {
        Size = Math.Max(1, size);
        TasksPerCall = Math.Clamp(Size / 8, 1, MaxTasksPerCall);
    }

    /// <summary>Most tasks in flight.</summary>
    public int Size { get; }

    /// <summary>Tasks started per call: an eighth of the window, 1 to <see cref="MaxTasksPerCall"/>.</summary>
    public int TasksPerCall { get; }

    /// <summary>Tasks in flight now.</summary>
    public int InFlight { get; private set; }

    /// <summary>The groups with at least one call in flight.</summary>
    public IEnumerable<int> GroupsWithCalls => _callsPerGroup.Where(g => g.Value > 0).Select(g => g.Key);

    /// <summary>Completes once <paramref name="count"/> more tasks fit (at once when none is in flight).</summary>
    public async Task WaitForRoomAsync(int count)
    {
        while (InFlight > 0 && InFlight + count > Size)
        {
            await Changed();
        }
    }

    /// <summary>Completes once nothing is in flight.</summary>
    public async Task WaitUntilEmptyAsync()
    {
        while (InFlight > 0)
        {
            await Changed();
        }
    }

    /// <summary>Records a call of <paramref name="count"/> tasks of <paramref name="group"/> going out.</summary>
    public void Enter(int group, int count)
    {
        InFlight += count;
        _callsPerGroup[group] = _callsPerGroup.GetValueOrDefault(group) + 1;
    }

    /// <summary>Records that call's answer (or failure), waking whoever waits for room.</summary>
    public void Leave(int group, int count)
    {
        InFlight -= count;
        _callsPerGroup[group]--;
        var changed = _changed;
        _changed = null;
        changed?.TrySetResult();
    }

    private Task Changed() => (_changed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
}
