namespace OrleansGateway.Tests.Batch;

/// <summary>
/// The reservation and discard of a submission's task groups without a cluster: fake task groups, the reminders'
/// calls recorded, the log captured. The grain's use of it (reminder, submit racing the discard) is in
/// <see cref="UnsubmittedTaskGroupsTests"/>.
/// </summary>
public sealed class UnsubmittedGroupsTests
{
    private readonly Dictionary<string, FakeTaskGrain> _grains = [];
    private readonly Dictionary<string, TimeSpan> _registered = [];
    private readonly LogCapture _log = new();
    private readonly UnsubmittedGroups _groups;

    public UnsubmittedGroupsTests()
    {
        var reminders = new BatchJobReminders(
            (name, period) => { _registered[name] = period; return Task.CompletedTask; },
            _ => Task.FromResult<IGrainReminder?>(null),
            () => Task.FromResult<IEnumerable<IGrainReminder>>([]),
            _ => Task.CompletedTask,
            _ => { });
        _groups = new UnsubmittedGroups("job", key => _grains.TryGetValue(key, out var grain) ? grain : _grains[key] = new FakeTaskGrain(0, 1), reminders, _log.CreateLogger("batch"));
    }

    [Fact]
    public async Task ReserveAsync_Groups_RegistersTheirDiscardReminder()
    {
        await _groups.ReserveAsync(5, TimeSpan.FromMinutes(30));

        Assert.Equal(TimeSpan.FromMinutes(30), Assert.Single(_registered, r => r.Key == BatchJobReminders.DiscardName(5)).Value);
    }

    [Fact]
    public async Task ReserveAsync_NoGroups_Refused()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _groups.ReserveAsync(0, TimeSpan.FromMinutes(30)));
        Assert.Empty(_registered);
    }

    [Fact]
    public async Task DiscardAsync_Groups_EachDiscardedOnceAndLogged()
    {
        await _groups.DiscardAsync(3);

        Assert.Equal(["job/0", "job/1", "job/2"], _grains.Keys.Order());
        Assert.All(_grains.Values, grain => Assert.Equal(1, grain.DiscardCalls));
        Assert.Contains(_log.Lines, line => line.Contains("3 stored task group(s) were discarded", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TryDiscardAsync_AGroupFails_LoggedNotThrownAndTheOthersStillDiscarded()
    {
        _grains["job/1"] = new FakeTaskGrain(0, 1) { DiscardFailure = new TimeoutException("silo gone") };

        await _groups.TryDiscardAsync(3);

        Assert.All(_grains.Values, grain => Assert.Equal(1, grain.DiscardCalls));
        Assert.Contains(_log.Lines, line => line.Contains("could not be discarded yet", StringComparison.Ordinal) && line.Contains("silo gone", StringComparison.Ordinal));
        Assert.DoesNotContain(_log.Lines, line => line.Contains("were discarded", StringComparison.Ordinal));
    }
}
