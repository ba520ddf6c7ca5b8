using System.Globalization;

namespace OrleansGateway.Batch;

/// <summary>
/// A batch job's reminders: the resume reminder (<see cref="ResumeName"/>), which reactivates a job that was recorded
/// and runs it on, and one per reservation of task groups (<c>batch-discard-{groups}</c>), which discards the groups of
/// a submission that never completed. Removal never fails the job: a reminder left behind finds the job finished (or
/// submitted) and tries again. Given the grain's reminder calls, so it works without Orleans in tests.
/// </summary>
public sealed class BatchJobReminders(
    Func<string, TimeSpan, Task> registerOrUpdate,
    Func<string, Task<IGrainReminder?>> find,
    Func<Task<IEnumerable<IGrainReminder>>> all,
    Func<IGrainReminder, Task> unregister,
    Action<string> cleanupFailed)
{
    /// <summary>The reminders of <paramref name="grain"/>, through its own reminder calls.</summary>
    public static BatchJobReminders Of(Grain grain, Action<string> cleanupFailed) => new(
        (name, period) => grain.RegisterOrUpdateReminder(name, period, period),
        grain.GetReminder,
        async () => await grain.GetReminders(),
        grain.UnregisterReminder,
        cleanupFailed);

    /// <summary>The reminder that resumes a recorded job.</summary>
    public const string ResumeName = "batch-resume";

    /// <summary>The reminder that discards a reservation's task groups, named with their count: <c>batch-discard-{groups}</c>.</summary>
    public const string DiscardPrefix = "batch-discard-";

    /// <summary>The discard reminder of a reservation of <paramref name="groupCount"/> task groups.</summary>
    public static string DiscardName(int groupCount) => DiscardPrefix + groupCount.ToString(CultureInfo.InvariantCulture);

    /// <summary>Whether <paramref name="name"/> is a reservation's discard reminder; <paramref name="groups"/> its group count (null when unreadable).</summary>
    public static bool IsDiscard(string name, out int? groups)
    {
        groups = null;
        if (!name.StartsWith(DiscardPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        if (int.TryParse(name.AsSpan(DiscardPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            groups = count;
        }

        return true;
    }

    /// <summary>Registers (or keeps) the resume reminder, due and repeating every <paramref name="period"/>.</summary>
    public Task RegisterResumeAsync(TimeSpan period) => registerOrUpdate(ResumeName, period);

    /// <summary>Registers the discard reminder of a reservation of <paramref name="groupCount"/> groups, due after <paramref name="timeout"/>.</summary>
    public Task RegisterDiscardAsync(int groupCount, TimeSpan timeout) => registerOrUpdate(DiscardName(groupCount), timeout);

    /// <summary>Removes the resume reminder (nothing to resume).</summary>
    public Task UnregisterResumeAsync() => UnregisterAsync(ResumeName);

    /// <summary>Removes the reminder named <paramref name="name"/>, if registered.</summary>
    public async Task UnregisterAsync(string name)
    {
        try
        {
            if (await find(name) is { } reminder)
            {
                await unregister(reminder);
            }
        }
        catch (Exception exception)
        {
            // A reminder left behind finds the job finished and tries again.
            cleanupFailed(exception.Message);
        }
    }

    /// <summary>Removes the resume reminder and any reservation's (a job that ended needs neither).</summary>
    public async Task UnregisterAllAsync()
    {
        try
        {
            foreach (var reminder in await all())
            {
                if (reminder.ReminderName == ResumeName || reminder.ReminderName.StartsWith(DiscardPrefix, StringComparison.Ordinal))
                {
                    await unregister(reminder);
                }
            }
        }
        catch (Exception exception)
        {
            // A reminder left behind finds the job finished and removes itself.
            cleanupFailed(exception.Message);
        }
    }
}
