using Orleans.Runtime;

namespace OrleansGateway.Tests.Batch;

/// <summary>A reminder table held in the test process, shared by every silo, so reminders outlive a killed silo.</summary>
public sealed class SharedReminderTable : IReminderTable
{
    private readonly ConcurrentDictionary<(GrainId GrainId, string Name), ReminderEntry> _entries = new();

    public Task Init() => Task.CompletedTask;

    public Task<ReminderTableData> ReadRows(GrainId grainId) =>
        Task.FromResult(new ReminderTableData(_entries.Values.Where(e => e.GrainId == grainId).Select(Copy)));

    public Task<ReminderTableData> ReadRows(uint begin, uint end) =>
        Task.FromResult(new ReminderTableData(_entries.Values.Where(e => InRange(e.GrainId.GetUniformHashCode(), begin, end)).Select(Copy)));

    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) =>
        Task.FromResult(_entries.TryGetValue((grainId, reminderName), out var entry) ? Copy(entry) : null);

    public Task<string?> UpsertRow(ReminderEntry entry)
    {
        var stored = Copy(entry);
        stored.ETag = Guid.NewGuid().ToString("N");
        _entries[(entry.GrainId, entry.ReminderName)] = stored;
        return Task.FromResult<string?>(stored.ETag);
    }

    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag)
    {
        var key = (grainId, reminderName);
        lock (_entries)
        {
            if (_entries.TryGetValue(key, out var entry) && entry.ETag == eTag)
            {
                return Task.FromResult(_entries.TryRemove(key, out _));
            }
        }

        return Task.FromResult(false);
    }

    public Task TestOnlyClearTable()
    {
        _entries.Clear();
        return Task.CompletedTask;
    }

    /// <summary>Whether <paramref name="hash"/> is in the ring range (begin, end], which may wrap around.</summary>
    private static bool InRange(uint hash, uint begin, uint end) =>
        begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;

    private static ReminderEntry Copy(ReminderEntry entry) => new()
    {
        GrainId = entry.GrainId,
        ReminderName = entry.ReminderName,
        StartAt = entry.StartAt,
        Period = entry.Period,
        ETag = entry.ETag,
    };
}
