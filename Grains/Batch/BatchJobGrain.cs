using System.Collections.Immutable;
using System.Diagnostics;
using Orleans.Concurrency;
using Orleans.Configuration;
using Orleans.Serialization;
using OrleansGateway.Storage;
using OrleansGateway.Telemetry;

using OrleansGateway.Cluster;

namespace OrleansGateway.Batch;

/// <summary>
/// One batch job. Submission stores the tasks in <see cref="ITaskGrain"/>s, registers a resume
/// reminder and writes the job's state before answering, so a job id once given is never lost.
/// The job then runs its tasks in order through an <see cref="InFlightWindow"/>, in passes until
/// each has a final result; its counters (<see cref="BatchProgress"/>) are the sum of the task
/// grains' own counts (each counted from stored task states), so a task run twice is counted once.
/// After a crash the reminder (or any call) reactivates the job, which reads what is pending from
/// the task grains and goes on. Reentrant, so status reads are answered while it runs.
/// </summary>
[Reentrant]
public sealed partial class BatchJobGrain(
    [PersistentState("batch-job", GatewayStorage.Name)] IPersistentState<BatchJobState> state,
    IOptions<BatchOptions> options,
    ProviderClientRegistry providers,
    Serializer serializer,
    IOptions<SiloMessagingOptions> messaging,
    TimeProvider time,
    GatewayMetrics metrics,
    SiloStopSignal silo,
    ILogger<BatchJobGrain> logger) : Grain, IBatchJobGrain, IRemindable
{
    private readonly CancellationTokenSource _ended = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly BatchProgress _progress = new();
    private bool _freshlySubmitted;
    private bool _submitting;
    private Task? _run;
    private InFlightWindow? _window;
    private JobTaskGroups? _groups;
    private IDisposable? _gauges;
    private SerialWrites _writes = null!;
    private BatchJobReminders _reminders = null!;

    // What the batch gauges read on the metrics reader's thread, which may not touch the grain's state object:
    // the state as last seen on the grain's own thread (null before the job exists; the same object, updated in place).
    private BatchJobState? _gaugeState;

    private string JobId => this.GetPrimaryKeyString();

    private JobTaskGroups Groups => _groups ??= new JobTaskGroups(key => GrainFactory.GetGrain<ITaskGrain>(key), JobId, state.State.TaskCount, state.State.TasksPerGrain);

    private bool IsTerminal => BatchJobLifecycle.IsTerminal(state.State.Status);

    private bool Running => state.State.Status == BatchJobStatus.Processing && !_stopping.IsCancellationRequested;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _writes = new SerialWrites(() => state.WriteStateAsync());
        _reminders = new BatchJobReminders(
            (name, period) => this.RegisterOrUpdateReminder(name, period, period),
            name => this.GetReminder(name),
            async () => await this.GetReminders(),
            reminder => this.UnregisterReminder(reminder),
            message => Log.ReminderCleanupFailed(logger, JobId, message));
        _gaugeState = state.RecordExists ? state.State : null;
        _gauges = metrics.TrackBatchJob(JobId, () => BatchJobLifecycle.GaugeReading(_gaugeState, _progress));
        if (!state.RecordExists || state.State.Status is BatchJobStatus.Completed or BatchJobStatus.Failed)
        {
            return;
        }

        // Running or cancelled: the counters are whatever the task grains have stored.
        await LoadProgressAsync();
        if (state.State.Status is BatchJobStatus.Queued or BatchJobStatus.Processing)
        {
            Log.Resuming(logger, JobId, _progress.Done, state.State.TaskCount);
            StartRun();
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Start no more tasks here; the job stays processing and its next activation goes on.
        _stopping.Cancel();
        _gauges?.Dispose();
        return Task.CompletedTask;
    }

    public async Task<BatchJobView> SubmitAsync(BatchJobSpec spec)
    {
        if (state.RecordExists)
        {
            return View();
        }

        if (spec.TaskCount == 0)
        {
            throw new ArgumentException("A batch job needs at least one task.", nameof(spec));
        }

        var taskCount = spec.TaskCount;
        var perGrain = spec.StoredTaskCount > 0 ? spec.StoredTasksPerGrain : options.Value.TasksPerGrain;
        if (perGrain < 1)
        {
            throw new ArgumentException("A job of stored tasks needs their tasks per grain.", nameof(spec));
        }

        _groups = new JobTaskGroups(key => GrainFactory.GetGrain<ITaskGrain>(key), JobId, taskCount, perGrain);
        TaskGrainProgress[]? stored = null;
        _submitting = true;
        try
        {
            if (spec.StoredTaskCount > 0)
            {
                // The submitter wrote the groups itself (a job larger than one call): each must be there before the job is.
                var (progress, missing) = await _groups.ReadSnapshotsAsync();
                if (missing.Length > 0)
                {
                    throw new ArgumentException($"Batch job '{JobId}': {missing.Length} of its {_groups.Count} task groups were not stored (the first: {missing[0]}).", nameof(spec));
                }

                stored = progress;
            }
            else
            {
                var writer = new TaskGroupWriter(key => GrainFactory.GetGrain<ITaskGrain>(key), serializer, TaskGroupWriter.MaxCallBytesFor(messaging.Value.MaxMessageBodySize));
                await ReserveAsync(_groups.Count);
                try
                {
                    await _groups.InitializeAsync(spec, writer);
                }
                catch (Exception)
                {
                    // Nothing is recorded: the groups written so far must not stay behind.
                    await TryDiscardGroupsAsync(_groups.Count);
                    throw;
                }
            }

            // The reminder first: a job whose state is written is then always resumed.
            await _reminders.RegisterResumeAsync(options.Value.ResumeReminderPeriod);
            state.State = BatchJobState.Submitted(spec, perGrain, time.GetUtcNow());
            state.State.SubmitterTraceParent = RequestContext.Get(BatchTaskTelemetry.SubmitterKey) as string ?? BatchTaskTelemetry.TraceParentOf(Activity.Current);
            await WriteStateAsync();
        }
        finally
        {
            _submitting = false;
        }
        _gaugeState = state.State;
        await TryEnsureListedAsync();

        if (stored is null)
        {
            _progress.Start(_groups.Count);
        }
        else
        {
            _progress.Load(stored);
        }

        _freshlySubmitted = true;
        var view = View();
        Log.Submitted(logger, JobId, taskCount, _groups.Count);
        StartRun();
        return view;
    }

    public async Task ReserveAsync(int groupCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(groupCount, 1);
        if (!state.RecordExists)
        {
            await _reminders.RegisterDiscardAsync(groupCount, options.Value.UnsubmittedGroupsTimeout);
        }
    }

    public async Task<bool> DiscardUnsubmittedAsync(int groupCount)
    {
        if (state.RecordExists || _submitting)
        {
            return false;
        }

        await DiscardGroupsAsync(groupCount);
        return true;
    }

    public Task<BatchJobView?> GetAsync() => Task.FromResult(state.RecordExists ? View() : null);

    public Task<ImmutableArray<BatchTaskResult>> GetResultsAsync(int offset, int limit) =>
        state.RecordExists ? Groups.ReadResultsAsync(offset, limit) : Task.FromResult(ImmutableArray<BatchTaskResult>.Empty);

    public async Task<BatchJobView?> CancelAsync()
    {
        if (!state.RecordExists)
        {
            return null;
        }

        if (!IsTerminal)
        {
            await FinishAsync(BatchJobStatus.Cancelled);
        }

        return View();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (BatchJobReminders.IsDiscard(reminderName, out var groupCount))
        {
            // A reservation's time is up: the job was submitted (nothing to do), or its groups are discarded.
            if (groupCount is { } groups && !state.RecordExists)
            {
                if (_submitting)
                {
                    return;
                }

                await DiscardUnsubmittedAsync(groups);
            }

            await _reminders.UnregisterAsync(reminderName);
            return;
        }

        if (!state.RecordExists || IsTerminal)
        {
            // Nothing to resume: a job whose submission never completed, or one that is finished.
            await _reminders.UnregisterResumeAsync();
            return;
        }

        await TryEnsureListedAsync();
        StartRun();
    }

    private void StartRun()
    {
        if (_run is null || _run.IsCompleted)
        {
            _run = RunAsync();
        }
    }

    /// <summary>Runs every pending task, in passes until each has a final result or the job ends otherwise.</summary>
    private async Task RunAsync()
    {
        try
        {
            if (state.State.SubmitterTraceParent is { } submitter)
            {
                // Flows with the calls below to the task grains, whose task spans link to the submitting request.
                RequestContext.Set(BatchTaskTelemetry.SubmitterKey, submitter);
            }

            await LoadProgressAsync();
            if (BatchJobLifecycle.Start(state.State, time.GetUtcNow()))
            {
                await WriteStateAsync();
            }

            if (!ProviderRoute.TryParse(state.State.Model, out var route) || providers.FindOptions(route.Provider) is not { } provider)
            {
                await FinishAsync(BatchJobStatus.Failed, $"The provider of model '{state.State.Model}' is not configured on this gateway, so no task can run.");
                return;
            }

            if (BatchJobLifecycle.IsExpired(state.State, time.GetUtcNow()))
            {
                await FinishAsync(BatchJobStatus.Expired);
                return;
            }

            _window = new InFlightWindow(options.Value.InFlightFor(provider.MaxConcurrency));
            var pacer = new PassPacer();
            // The window's end stops the pass like a cancel; what finished is kept.
            using var expiry = state.State.ExpiresAt is { } expiresAt
                ? new CancellationTokenSource(TimeSpan.FromTicks(Math.Max(1, (expiresAt - time.GetUtcNow()).Ticks)), time)
                : new CancellationTokenSource();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(_ended.Token, _stopping.Token, expiry.Token, silo.WorkLost);
            while (Running)
            {
                var fresh = _freshlySubmitted;
                _freshlySubmitted = false;
                var doneBefore = _progress.Done;
                var pass = new BatchPass(_progress, _window, Groups, FailUnlessEndedAsync, logger) { JobId = JobId };
                await pass.RunAsync(fresh, stop.Token);
                if (!Running || silo.WorkLost.IsCancellationRequested)
                {
                    break;
                }

                if (_progress.Done >= state.State.TaskCount || BatchJobLifecycle.IsExpired(state.State, time.GetUtcNow()))
                {
                    await FinishAsync(_progress.Done >= state.State.TaskCount ? BatchJobStatus.Completed : BatchJobStatus.Expired);
                    break;
                }

                // Some task calls failed (a task grain lost with its silo, storage trouble), a provider turned
                // tasks away, or results stored late were not counted yet: the next pass reads each unfinished grain's state.
                var pause = pacer.Next(_progress.Done > doneBefore, pass.RetryAfter);
                Log.RetryingPass(logger, JobId, state.State.TaskCount - _progress.Done, pause);
                if (pause > TimeSpan.Zero)
                {
                    // Ends early when the job is cancelled or the activation stops (WhenAny does not throw).
                    await Task.WhenAny(Task.Delay(pause, time, stop.Token));
                }
            }

            if (state.State.Status is BatchJobStatus.Cancelled or BatchJobStatus.Expired && !silo.WorkLost.IsCancellationRequested)
            {
                // Results that landed while running tasks were cancelled count too.
                _progress.CopyTo(state.State);
                await WriteStateAsync();
            }
        }
        catch (Exception exception) when (!_stopping.IsCancellationRequested && !silo.WorkLost.IsCancellationRequested)
        {
            // The reminder starts the job again.
            Log.RunFailed(logger, JobId, exception);
        }
        catch (Exception)
        {
            // Deactivating (the silo shuts down): the next activation goes on.
        }
    }

    private Task FailUnlessEndedAsync(string error) => IsTerminal ? Task.CompletedTask : FinishAsync(BatchJobStatus.Failed, error);

    /// <summary>
    /// The one way a job ends (completed, failed or cancelled): records it, stops starting tasks,
    /// tells the task grains with calls in flight to cancel theirs (their calls then answer with
    /// what is stored, so the counters stay exact), removes the resume reminder.
    /// </summary>
    private async Task FinishAsync(BatchJobStatus status, string? error = null)
    {
        BatchJobLifecycle.Finish(state.State, status, time.GetUtcNow(), _progress, error);
        await WriteStateAsync();
        await _ended.CancelAsync();
        if (_window?.GroupsWithCalls.ToList() is { Count: > 0 } groups)
        {
            try
            {
                await Groups.CancelAsync(groups);
            }
            catch (Exception exception)
            {
                // A grain that could not be told finishes its running tasks; the job starts no more.
                Log.CancelNotDelivered(logger, JobId, exception.Message);
            }
        }

        await _reminders.UnregisterAllAsync();
        var s = state.State;
        Log.Finished(logger, JobId, status, _progress.Completed, _progress.Failed, s.TaskCount, s.CompletedAt!.Value - (s.StartedAt ?? s.SubmittedAt), error);
    }

    /// <summary>Counts the task grains' stored results (once per activation).</summary>
    private async Task LoadProgressAsync()
    {
        if (_progress.IsLoaded)
        {
            return;
        }

        var progress = await Groups.ReadProgressAsync();
        if (_progress.IsLoaded)
        {
            return;
        }

        _progress.Load(progress);
        await TryEnsureListedAsync();
    }

    /// <summary>Writes the job's state; writes of interleaved calls go one at a time (each needs the last one's ETag).</summary>
    private Task WriteStateAsync() => _writes.WriteAsync();

    /// <summary>
    /// Adds the job to the registry's list unless it is known to be there. A failure does not fail
    /// the job (it is recorded and will run); the next activation or reminder tick tries again.
    /// </summary>
    private async Task TryEnsureListedAsync()
    {
        if (state.State.Listed)
        {
            return;
        }

        try
        {
            await GrainFactory.GetGrain<IBatchRegistryGrain>(BatchRegistry.Key).AddAsync(JobId, state.State.SubmittedAt, state.State.KeyId);
            state.State.Listed = true;
        }
        catch (Exception exception)
        {
            Log.ListingFailed(logger, JobId, exception.Message);
        }
    }

    /// <summary>Discards the first <paramref name="groupCount"/> task groups; a failure is logged (the reservation's reminder tries again).</summary>
    private async Task TryDiscardGroupsAsync(int groupCount)
    {
        try
        {
            await DiscardGroupsAsync(groupCount);
        }
        catch (Exception exception)
        {
            Log.DiscardFailed(logger, JobId, exception);
        }
    }

    private async Task DiscardGroupsAsync(int groupCount)
    {
        await new JobTaskGroups(key => GrainFactory.GetGrain<ITaskGrain>(key), JobId, groupCount, 1).DiscardAsync(groupCount);
        Log.DiscardedUnsubmitted(logger, JobId, groupCount);
    }

    private BatchJobView View() => BatchJobLifecycle.View(JobId, state.State, _progress);
}
