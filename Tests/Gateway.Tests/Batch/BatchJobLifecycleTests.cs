namespace OrleansGateway.Tests.Batch;

/// <summary>A job's status changes and its view: start only from queued, one finishing step for every end, live vs stored counters.</summary>
public sealed class BatchJobLifecycleTests
{
    private static readonly DateTimeOffset s_submitted = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(BatchJobStatus.Queued, false)]
    [InlineData(BatchJobStatus.Processing, false)]
    [InlineData(BatchJobStatus.Completed, true)]
    [InlineData(BatchJobStatus.Failed, true)]
    [InlineData(BatchJobStatus.Cancelled, true)]
    public void IsTerminal_Status_TrueForTheThreeEnds(BatchJobStatus status, bool expected) =>
        Assert.Equal(expected, BatchJobLifecycle.IsTerminal(status));

    [Fact]
    public void Start_Queued_ProcessingWithStartTime()
    {
        var state = new BatchJobState { Status = BatchJobStatus.Queued, SubmittedAt = s_submitted };

        Assert.True(BatchJobLifecycle.Start(state, s_submitted.AddSeconds(1)));

        Assert.Equal(BatchJobStatus.Processing, state.Status);
        Assert.Equal(s_submitted.AddSeconds(1), state.StartedAt);
    }

    [Fact]
    public void Start_AlreadyProcessing_KeepsTheFirstStartTime()
    {
        var state = new BatchJobState { Status = BatchJobStatus.Processing, StartedAt = s_submitted };

        Assert.False(BatchJobLifecycle.Start(state, s_submitted.AddHours(1)));

        Assert.Equal(s_submitted, state.StartedAt);
    }

    [Theory]
    [InlineData(BatchJobStatus.Completed)]
    [InlineData(BatchJobStatus.Cancelled)]
    [InlineData(BatchJobStatus.Failed)]
    public void Finish_AnyEnd_RecordsStatusTimeAndCounters(BatchJobStatus status)
    {
        var state = new BatchJobState { Status = BatchJobStatus.Processing, TaskCount = 4 };
        var progress = new BatchProgress();
        progress.Load([new TaskGrainProgress(3, 1, new TokenUsage(1, 2, 3))]);

        BatchJobLifecycle.Finish(state, status, s_submitted.AddMinutes(5), progress, status == BatchJobStatus.Failed ? "why" : null);

        Assert.Equal(status, state.Status);
        Assert.Equal(s_submitted.AddMinutes(5), state.CompletedAt);
        Assert.Equal((3, 1, 3), (state.CompletedCount, state.FailedCount, state.TotalTokens));
        Assert.Equal(status == BatchJobStatus.Failed ? "why" : null, state.Error);
    }

    [Fact]
    public void Finish_NotAnEnd_Throws()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            BatchJobLifecycle.Finish(new BatchJobState(), BatchJobStatus.Processing, s_submitted, new BatchProgress()));

        Assert.Equal("status", error.ParamName);
    }

    [Fact]
    public void View_Running_ShowsLiveCounters()
    {
        var state = new BatchJobState { Status = BatchJobStatus.Processing, Model = "fake/m", TaskCount = 10, SubmittedAt = s_submitted, MetadataJson = "{}", CompletedCount = 1 };
        var progress = new BatchProgress();
        progress.Load([new TaskGrainProgress(4, 2, new TokenUsage(4, 4, 8))]);

        var view = BatchJobLifecycle.View("job-1", state, progress);

        Assert.Equal(("job-1", BatchJobStatus.Processing, "fake/m", 10, 4, 2), (view.JobId, view.Status, view.Model, view.TaskCount, view.CompletedCount, view.FailedCount));
        Assert.Equal(new TokenUsage(4, 4, 8), view.Usage);
        Assert.Equal("{}", view.MetadataJson);
    }

    [Fact]
    public void View_CompletedOrNotLoaded_ShowsStoredCounters()
    {
        var state = new BatchJobState { Status = BatchJobStatus.Completed, TaskCount = 2, CompletedCount = 2, PromptTokens = 1, CompletionTokens = 1, TotalTokens = 2 };
        var progress = new BatchProgress();
        progress.Load([new TaskGrainProgress(1, 0, TokenUsage.Zero)]);

        var completed = BatchJobLifecycle.View("j", state, progress);
        var running = new BatchJobState { Status = BatchJobStatus.Processing, TaskCount = 2, CompletedCount = 2 };
        var notLoaded = BatchJobLifecycle.View("j", running, new BatchProgress());

        Assert.Equal((2, new TokenUsage(1, 1, 2)), (completed.CompletedCount, completed.Usage));
        Assert.Equal(2, notLoaded.CompletedCount);
    }

    [Fact]
    public void GaugeReading_NoState_Null_ThenStoredCounts_ThenLiveOnceLoaded()
    {
        var progress = new BatchProgress();
        var state = new BatchJobState { Status = BatchJobStatus.Processing, TaskCount = 10, CompletedCount = 2, FailedCount = 1 };

        Assert.Null(BatchJobLifecycle.GaugeReading(null, progress));
        Assert.Equal(new OrleansGateway.Telemetry.BatchJobGaugeReading(BatchJobStatus.Processing, 10, 2, 1), BatchJobLifecycle.GaugeReading(state, progress));

        progress.Load([new TaskGrainProgress(5, 2, TokenUsage.Zero)]);
        Assert.Equal(new OrleansGateway.Telemetry.BatchJobGaugeReading(BatchJobStatus.Processing, 10, 5, 2), BatchJobLifecycle.GaugeReading(state, progress));
    }

    [Fact]
    public void TasksPerGrain_InlineTasks_TheConfiguredSize()
    {
        var spec = new BatchJobSpec("fake/m", [new BatchTask("t0", [new ChatMessage("user", "p")])]);

        Assert.Equal(50, BatchJobLifecycle.TasksPerGrain(spec, 50));
    }

    [Fact]
    public void TasksPerGrain_StoredTasks_TheSubmittersSize()
    {
        var spec = new BatchJobSpec("fake/m", []) { StoredTaskCount = 10, StoredTasksPerGrain = 3 };

        Assert.Equal(3, BatchJobLifecycle.TasksPerGrain(spec, 50));
    }

    [Fact]
    public void TasksPerGrain_NoTasks_Refused()
    {
        var error = Assert.Throws<ArgumentException>(() => BatchJobLifecycle.TasksPerGrain(new BatchJobSpec("fake/m", []), 50));

        Assert.Contains("at least one task", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TasksPerGrain_StoredTasksWithoutTheirSize_Refused()
    {
        var spec = new BatchJobSpec("fake/m", []) { StoredTaskCount = 10 };

        var error = Assert.Throws<ArgumentException>(() => BatchJobLifecycle.TasksPerGrain(spec, 50));

        Assert.Contains("tasks per grain", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExpiryCancellation_WindowClosesLater_CancelledWhenTheClockReachesIt()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(s_submitted);
        var state = new BatchJobState { ExpiresAt = s_submitted.AddMinutes(10) };

        using var expiry = BatchJobLifecycle.ExpiryCancellation(state, time);
        time.Advance(TimeSpan.FromMinutes(9));
        Assert.False(expiry.IsCancellationRequested);
        time.Advance(TimeSpan.FromMinutes(1));

        Assert.True(expiry.IsCancellationRequested);
    }

    [Fact]
    public void ExpiryCancellation_NoWindow_NeverCancelled()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(s_submitted);

        using var expiry = BatchJobLifecycle.ExpiryCancellation(new BatchJobState(), time);
        time.Advance(TimeSpan.FromDays(365));

        Assert.False(expiry.IsCancellationRequested);
    }
}
