namespace OrleansGateway.Tests.Batch;

/// <summary>A job's resume and discard reminders: names, registration, removal that never fails the job.</summary>
public sealed class BatchJobRemindersTests
{
    private readonly Dictionary<string, TimeSpan> _registered = [];
    private readonly List<string> _failures = [];
    private Exception? _failWith;

    private sealed record Reminder(string ReminderName) : IGrainReminder;

    private BatchJobReminders Reminders() => new(
        (name, period) => { _registered[name] = period; return Task.CompletedTask; },
        name => _failWith is { } e ? Task.FromException<IGrainReminder?>(e) : Task.FromResult<IGrainReminder?>(_registered.ContainsKey(name) ? new Reminder(name) : null),
        () => _failWith is { } e ? Task.FromException<IEnumerable<IGrainReminder>>(e) : Task.FromResult<IEnumerable<IGrainReminder>>([.. _registered.Keys.Select(n => new Reminder(n))]),
        reminder => { _registered.Remove(reminder.ReminderName); return Task.CompletedTask; },
        _failures.Add);

    [Theory]
    [InlineData("batch-discard-12", true, 12)]
    [InlineData("batch-discard-x", true, null)]
    [InlineData("batch-discard--1", true, null)]
    [InlineData("batch-resume", false, null)]
    public void IsDiscard_ReadsTheGroupCount(string name, bool expected, int? groups)
    {
        Assert.Equal(expected, BatchJobReminders.IsDiscard(name, out var read));
        Assert.Equal(groups, read);
    }

    [Fact]
    public async Task Register_ResumeAndDiscard_WithTheirPeriods()
    {
        var reminders = Reminders();

        await reminders.RegisterResumeAsync(TimeSpan.FromMinutes(1));
        await reminders.RegisterDiscardAsync(7, TimeSpan.FromHours(1));

        Assert.Equal(TimeSpan.FromMinutes(1), _registered["batch-resume"]);
        Assert.Equal(TimeSpan.FromHours(1), _registered[BatchJobReminders.DiscardName(7)]);
        Assert.Equal("batch-discard-7", BatchJobReminders.DiscardName(7));
    }

    [Fact]
    public async Task UnregisterAll_RemovesTheJobsRemindersOnly()
    {
        var reminders = Reminders();
        await reminders.RegisterResumeAsync(TimeSpan.FromMinutes(1));
        await reminders.RegisterDiscardAsync(3, TimeSpan.FromHours(1));
        _registered["other"] = TimeSpan.FromMinutes(5);

        await reminders.UnregisterAllAsync();

        Assert.Equal(["other"], _registered.Keys);
        Assert.Empty(_failures);
    }

    [Fact]
    public async Task UnregisterResume_RemovesItAndIsQuietWhenAbsent()
    {
        var reminders = Reminders();
        await reminders.RegisterResumeAsync(TimeSpan.FromMinutes(1));

        await reminders.UnregisterResumeAsync();
        await reminders.UnregisterResumeAsync();

        Assert.Empty(_registered);
        Assert.Empty(_failures);
    }

    [Fact]
    public async Task Unregister_StorageFails_ReportedNotThrown()
    {
        var reminders = Reminders();
        _failWith = new InvalidOperationException("table down");

        await reminders.UnregisterAsync("batch-resume");
        await reminders.UnregisterAllAsync();

        Assert.Equal(["table down", "table down"], _failures);
    }
}
