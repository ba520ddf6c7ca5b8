using System.Collections.Immutable;
using System.Diagnostics;
using Orleans.Concurrency;
using Orleans.Configuration;
using Orleans.Serialization;
using OrleansGateway.Storage;
using OrleansGateway.Cluster;
using OrleansGateway.Telemetry;

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
    private UnsubmittedGroups _unsubmitted = null!;
    private JobListing _listing = null!;

    // What the batch gauges read on the metrics reader's thread, which may not touch the grain's state object:
    // the state as last seen on the grain's own thread (null before the job exists; the same object, updated in place).
    private BatchJobState? _gaugeState;

    private string JobId => this.GetPrimaryKeyString();

    private JobTaskGroups Groups => _groups ??= new JobTaskGroups(TaskGroup, JobId, state.State.TaskCount, state.State.TasksPerGrain);

    private bool IsTerminal => BatchJobLifecycle.IsTerminal(state.State.Status);

    private bool Running => state.State.Status == BatchJobStatus.Processing && !_stopping.IsCancellationRequested;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _writes = new SerialWrites(() => state.WriteStateAsync());
        _reminders = BatchJobReminders.Of(this, message => Log.ReminderCleanupFailed(logger, JobId, message));
        _unsubmitted = new UnsubmittedGroups(JobId, TaskGroup, _reminders, logger);
        _listing = new JobListing(() => GrainFactory.GetGrain<IBatchRegistryGrain>(BatchRegistry.Key), JobId, logger);
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

        var perGrain = BatchJobLifecycle.TasksPerGrain(spec, options.Value.TasksPerGrain);
        var groups = _groups = new JobTaskGroups(TaskGroup, JobId, spec.TaskCount, perGrain);
        TaskGrainProgress[]? stored;
        _submitting = true;
        try
        {
            stored = await groups.StoreAsync(
                spec,
                () => new TaskGroupWriter(TaskGroup, serializer, TaskGroupWriter.MaxCallBytesFor(messaging.Value.MaxMessageBodySize)),
                reserve: () => ReserveAsync(groups.Count),
                discard: () => _unsubmitted.TryDiscardAsync(groups.Count));

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
            _progress.Start(groups.Count);
        }
        else
        {
            _progress.Load(stored);
        }

        _freshlySubmitted = true;
        var view = View();
        Log.Submitted(logger, JobId, spec.TaskCount, groups.Count);
        StartRun();
        return view;
    }

    public Task ReserveAsync(int groupCount) =>
        state.RecordExists ? Task.CompletedTask : _unsubmitted.ReserveAsync(groupCount, options.Value.UnsubmittedGroupsTimeout);

    public async Task<bool> DiscardUnsubmittedAsync(int groupCount)
    {
        if (state.RecordExists || _submitting)
        {
            return false;
        }

        await _unsubmitted.DiscardAsync(groupCount);
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
            // The window's end stops the pass like a cancel; what finished is kept.
            using var expiry = BatchJobLifecycle.ExpiryCancellation(state.State, time);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(_ended.Token, _stopping.Token, expiry.Token, silo.WorkLost);
            var fresh = _freshlySubmitted;
            _freshlySubmitted = false;
            var passes = new JobPasses(_progress, _window, Groups, FailUnlessEndedAsync, time, logger) { JobId = JobId };
            if (await passes.RunAsync(
                fresh,
                running: () => Running && !silo.WorkLost.IsCancellationRequested,
                expired: () => BatchJobLifecycle.IsExpired(state.State, time.GetUtcNow()),
                stop.Token) is { } end)
            {
                await FinishAsync(end);
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
        if (await Groups.TryCancelAsync(_window?.GroupsWithCalls ?? []) is { } notDelivered)
        {
            // A grain that could not be told finishes its running tasks; the job starts no more.
            Log.CancelNotDelivered(logger, JobId, notDelivered);
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

    private Task TryEnsureListedAsync() => _listing.TryEnsureAsync(state.State);

    private ITaskGrain TaskGroup(string key) => GrainFactory.GetGrain<ITaskGrain>(key);

    private BatchJobView View() => BatchJobLifecycle.View(JobId, state.State, _progress);
}
