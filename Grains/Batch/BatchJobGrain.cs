using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using OrleansGateway.Chat;
using OrleansGateway.Providers;
using OrleansGateway.Storage;

namespace OrleansGateway.Batch;

/// <summary>
/// One batch job. Submission stores the tasks in <see cref="ITaskGrain"/>s, registers a resume
/// reminder and writes the job's state before answering, so a job id once given is never lost.
/// The job then runs its tasks in order with a bounded window in flight (started a few per call);
/// its counters are the sum of the task grains' own counts (each counted from stored task states),
/// so a task run twice is counted once. After a crash the reminder (or any call) reactivates the job, which reads what
/// is pending from the task grains and goes on. Reentrant, so status reads are answered while it runs.
/// </summary>
[Reentrant]
public sealed partial class BatchJobGrain(
    [PersistentState("batch-job", GatewayStorage.Name)] IPersistentState<BatchJobState> state,
    IOptions<BatchOptions> options,
    ProviderClientRegistry providers,
    TimeProvider time,
    ILogger<BatchJobGrain> logger) : Grain, IBatchJobGrain, IRemindable
{
    private const string ResumeReminderName = "batch-resume";

    /// <summary>
    /// Most tasks of one group started by one call (and at most an eighth of the window): fewer
    /// messages per task, while slots are still refilled a few at a time.
    /// </summary>
    private const int MaxTasksPerCall = 8;
    private static readonly TimeSpan s_maxRetryPause = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Dictionary<int, ITaskGrain> _taskGrains = [];
    private readonly Dictionary<int, int> _callsInFlight = [];
    private readonly CancellationTokenSource _cancel = new();
    private readonly CancellationTokenSource _stopping = new();
    private TaskGrainProgress[] _progress = [];
    private int _completed;
    private int _failed;
    private TokenUsage _usage = TokenUsage.Zero;
    private bool _progressLoaded;
    private bool _freshlySubmitted;
    private Task? _run;
    private int _inFlight;
    private TaskCompletionSource? _slotFreed;

    private string JobId => this.GetPrimaryKeyString();

    private int GroupCount => TaskGrainKeys.GroupCount(state.State.TaskCount, state.State.TasksPerGrain);

    private bool IsTerminal => state.State.Status is BatchJobStatus.Completed or BatchJobStatus.Failed or BatchJobStatus.Cancelled;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!state.RecordExists || state.State.Status is BatchJobStatus.Completed or BatchJobStatus.Failed)
        {
            return;
        }

        // Running or cancelled: the counters are whatever the task grains have stored.
        await LoadProgressAsync();
        if (state.State.Status is BatchJobStatus.Queued or BatchJobStatus.Processing)
        {
            Log.Resuming(logger, JobId, _completed + _failed, state.State.TaskCount);
            StartRun();
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Start no more tasks here; the job stays processing and its next activation goes on.
        _stopping.Cancel();
        return Task.CompletedTask;
    }

    public async Task<BatchJobView> SubmitAsync(BatchJobSpec spec)
    {
        if (state.RecordExists)
        {
            return View();
        }

        if (spec.Tasks.IsDefaultOrEmpty)
        {
            throw new ArgumentException("A batch job needs at least one task.", nameof(spec));
        }

        var perGrain = options.Value.TasksPerGrain;
        var groups = TaskGrainKeys.GroupCount(spec.Tasks.Length, perGrain);
        await StoreTasksAsync(spec, perGrain, groups);

        // The reminder first: a job whose state is written is then always resumed.
        await this.RegisterOrUpdateReminder(ResumeReminderName, options.Value.ResumeReminderPeriod, options.Value.ResumeReminderPeriod);
        state.State = new BatchJobState
        {
            Model = spec.Model,
            MaxTokens = spec.MaxTokens,
            Temperature = spec.Temperature,
            TopP = spec.TopP,
            MetadataJson = spec.MetadataJson,
            TaskCount = spec.Tasks.Length,
            TasksPerGrain = perGrain,
            Status = BatchJobStatus.Queued,
            SubmittedAt = time.GetUtcNow(),
        };
        await WriteStateAsync();
        await TryEnsureListedAsync();

        _progress = new TaskGrainProgress[groups];
        Array.Fill(_progress, TaskGrainProgress.None);
        _progressLoaded = true;
        _freshlySubmitted = true;
        var view = View();
        Log.Submitted(logger, JobId, spec.Tasks.Length, groups);
        StartRun();
        return view;
    }

    public Task<BatchJobView?> GetAsync() => Task.FromResult(state.RecordExists ? View() : null);

    public async Task<ImmutableArray<BatchTaskResult>> GetResultsAsync(int offset, int limit)
    {
        if (!state.RecordExists || limit <= 0 || offset < 0 || offset >= state.State.TaskCount)
        {
            return [];
        }

        var end = (int)Math.Min((long)offset + limit, state.State.TaskCount);
        var perGrain = state.State.TasksPerGrain;
        var reads = new List<Task<ImmutableArray<BatchTaskResult>>>();
        for (var group = offset / perGrain; group * perGrain < end; group++)
        {
            reads.Add(TaskGrainOf(group).GetResultsAsync(offset, end - offset));
        }

        var parts = await Task.WhenAll(reads);
        var builder = ImmutableArray.CreateBuilder<BatchTaskResult>(end - offset);
        foreach (var part in parts)
        {
            builder.AddRange(part);
        }

        return builder.ToImmutable();
    }

    public async Task<BatchJobView?> CancelAsync()
    {
        if (!state.RecordExists)
        {
            return null;
        }

        if (IsTerminal)
        {
            return View();
        }

        state.State.Status = BatchJobStatus.Cancelled;
        state.State.CompletedAt = time.GetUtcNow();
        SnapshotCounters();
        await WriteStateAsync();
        await _cancel.CancelAsync();
        await CancelRunningTasksAsync();
        await UnregisterResumeReminderAsync();
        Log.Cancelled(logger, JobId, _completed + _failed, state.State.TaskCount);
        return View();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (!state.RecordExists || IsTerminal)
        {
            // Nothing to resume: a job whose submission never completed, or one that is finished.
            await UnregisterResumeReminderAsync();
            return;
        }

        await TryEnsureListedAsync();
        StartRun();
    }

    private async Task StoreTasksAsync(BatchJobSpec spec, int perGrain, int groups)
    {
        // Bounded parallel writes: each group's tasks go to its own grain and storage record.
        const int parallelWrites = 32;
        var next = -1;
        async Task WriterAsync()
        {
            int group;
            while ((group = Interlocked.Increment(ref next)) < groups)
            {
                var first = group * perGrain;
                var size = TaskGrainKeys.GroupSize(group, spec.Tasks.Length, perGrain);
                await TaskGrainOf(group).InitializeAsync(new TaskGrainSpec(JobId, spec.Model, first, spec.Tasks.Slice(first, size))
                {
                    MaxTokens = spec.MaxTokens,
                    Temperature = spec.Temperature,
                    TopP = spec.TopP,
                });
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Math.Min(parallelWrites, groups)).Select(_ => WriterAsync()));
    }

    private void StartRun()
    {
        if (_run is null || _run.IsCompleted)
        {
            _run = RunAsync();
        }
    }

    /// <summary>Runs every pending task, in passes until each has a final result or the job is cancelled.</summary>
    private async Task RunAsync()
    {
        try
        {
            await LoadProgressAsync();
            if (state.State.Status == BatchJobStatus.Queued)
            {
                state.State.Status = BatchJobStatus.Processing;
                state.State.StartedAt = time.GetUtcNow();
                await WriteStateAsync();
            }

            if (!ProviderRoute.TryParse(state.State.Model, out var route) || providers.FindOptions(route.Provider) is null)
            {
                await FailAsync($"The provider of model '{state.State.Model}' is not configured on this gateway, so no task can run.");
                return;
            }

            var window = options.Value.InFlightFor(providers.FindOptions(route.Provider)!.MaxConcurrency);
            var pause = TimeSpan.Zero;
            while (state.State.Status == BatchJobStatus.Processing && !_stopping.IsCancellationRequested)
            {
                var fresh = _freshlySubmitted;
                _freshlySubmitted = false;
                await RunPassAsync(window, fresh);
                if (state.State.Status != BatchJobStatus.Processing || _stopping.IsCancellationRequested)
                {
                    break;
                }

                if (_completed + _failed >= state.State.TaskCount)
                {
                    await CompleteAsync();
                    break;
                }

                // Some task calls failed (a task grain lost with its silo, storage trouble), or results
                // stored late were not counted yet: the next pass reads each unfinished grain's state.
                Log.RetryingPass(logger, JobId, state.State.TaskCount - _completed - _failed, pause);
                if (pause > TimeSpan.Zero)
                {
                    await Task.Delay(pause, time);
                }

                pause = pause == TimeSpan.Zero ? TimeSpan.FromMilliseconds(200) : TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, s_maxRetryPause.Ticks));
            }

            if (state.State.Status == BatchJobStatus.Cancelled)
            {
                // Results that landed while running tasks were cancelled count too.
                SnapshotCounters();
                await WriteStateAsync();
            }
        }
        catch (Exception exception) when (!_stopping.IsCancellationRequested)
        {
            // The reminder starts the job again.
            Log.RunFailed(logger, JobId, exception);
        }
        catch (Exception)
        {
            // Deactivating (the silo shuts down): the next activation goes on.
        }
    }

    private async Task RunPassAsync(int window, bool fresh)
    {
        var token = _cancel.Token;
        var perGrain = state.State.TasksPerGrain;
        var perCall = Math.Clamp(window / 8, 1, MaxTasksPerCall);
        for (var group = 0; group < GroupCount && !token.IsCancellationRequested && !_stopping.IsCancellationRequested; group++)
        {
            var size = TaskGrainKeys.GroupSize(group, state.State.TaskCount, perGrain);
            if (_progress[group].Done >= size)
            {
                continue;
            }

            IEnumerable<int> pending;
            if (fresh)
            {
                pending = Enumerable.Range(group * perGrain, size);
            }
            else
            {
                var snapshot = await TaskGrainOf(group).GetSnapshotAsync();
                if (snapshot.InputsMissing)
                {
                    await FailAsync($"Tasks {group * perGrain} to {(group * perGrain) + size - 1} are missing from storage, so the job cannot finish.");
                    return;
                }

                Apply(group, snapshot.Progress);
                if (snapshot.Progress.StorageError is { } storageError && !IsTerminal)
                {
                    await FailAsync(storageError + " The job cannot finish.");
                    return;
                }

                pending = snapshot.PendingIndexes;
            }

            var call = ImmutableArray.CreateBuilder<int>(perCall);
            foreach (var index in pending)
            {
                call.Add(index);
                if (call.Count == perCall && !await StartTasksAsync(group, call.DrainToImmutable(), window, token))
                {
                    break;
                }
            }

            if (call.Count > 0)
            {
                await StartTasksAsync(group, call.DrainToImmutable(), window, token);
            }
        }

        while (_inFlight > 0)
        {
            _slotFreed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await _slotFreed.Task;
        }
    }

    /// <summary>
    /// Tells the task grains with calls in flight to cancel their running tasks. Their calls then
    /// answer with what is stored, so the job's counters stay exact after a cancel.
    /// </summary>
    private async Task CancelRunningTasksAsync()
    {
        try
        {
            await Task.WhenAll(_callsInFlight.Where(g => g.Value > 0).Select(g => TaskGrainOf(g.Key).CancelAsync()));
        }
        catch (Exception exception)
        {
            // A grain that could not be told finishes its running tasks; the job starts no more.
            Log.CancelNotDelivered(logger, JobId, exception.Message);
        }
    }

    /// <summary>Waits for room in the window, then starts the tasks; false when the job was cancelled meanwhile.</summary>
    private async Task<bool> StartTasksAsync(int group, ImmutableArray<int> indexes, int window, CancellationToken token)
    {
        while (_inFlight > 0 && _inFlight + indexes.Length > window)
        {
            _slotFreed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await _slotFreed.Task;
        }

        if (token.IsCancellationRequested || _stopping.IsCancellationRequested)
        {
            return false;
        }

        _inFlight += indexes.Length;
        _callsInFlight[group] = _callsInFlight.GetValueOrDefault(group) + 1;
        _ = RunTasksAsync(group, indexes);
        return true;
    }

    private async Task RunTasksAsync(int group, ImmutableArray<int> indexes)
    {
        try
        {
            var progress = await TaskGrainOf(group).RunAsync(indexes);
            Apply(group, progress);
            if (progress.StorageError is { } storageError && !IsTerminal)
            {
                // Storage refuses the group's results: end the job with the reason instead of running them again.
                await FailAsync(storageError + " The job cannot finish.");
            }
        }
        catch (Exception exception)
        {
            Log.TaskCallFailed(logger, JobId, indexes[0], indexes[^1], exception.GetType().Name, exception.Message);
        }
        finally
        {
            _inFlight -= indexes.Length;
            _callsInFlight[group]--;
            _slotFreed?.TrySetResult();
        }
    }

    private async Task CompleteAsync()
    {
        state.State.Status = BatchJobStatus.Completed;
        state.State.CompletedAt = time.GetUtcNow();
        SnapshotCounters();
        await WriteStateAsync();
        await UnregisterResumeReminderAsync();
        Log.Completed(logger, JobId, _completed, _failed, state.State.CompletedAt.Value - (state.State.StartedAt ?? state.State.SubmittedAt));
    }

    /// <summary>Ends a job that cannot run at all: status failed, with the reason.</summary>
    private async Task FailAsync(string error)
    {
        state.State.Status = BatchJobStatus.Failed;
        state.State.Error = error;
        state.State.CompletedAt = time.GetUtcNow();
        SnapshotCounters();
        await WriteStateAsync();
        await _cancel.CancelAsync();
        await CancelRunningTasksAsync();
        await UnregisterResumeReminderAsync();
        Log.Failed(logger, JobId, error);
    }

    /// <summary>Counts the task grains' stored results (once per activation).</summary>
    private async Task LoadProgressAsync()
    {
        if (_progressLoaded)
        {
            return;
        }

        var groups = GroupCount;
        var progress = new TaskGrainProgress[groups];
        const int parallelReads = 64;
        var next = -1;
        async Task ReaderAsync()
        {
            int group;
            while ((group = Interlocked.Increment(ref next)) < groups)
            {
                progress[group] = (await TaskGrainOf(group).GetSnapshotAsync()).Progress;
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Math.Min(parallelReads, groups)).Select(_ => ReaderAsync()));
        if (_progressLoaded)
        {
            return;
        }

        _progress = progress;
        _completed = progress.Sum(p => p.Completed);
        _failed = progress.Sum(p => p.Failed);
        _usage = progress.Aggregate(TokenUsage.Zero, (sum, p) => sum + p.Usage);
        _progressLoaded = true;
        await TryEnsureListedAsync();
    }

    /// <summary>Takes a task grain's newer progress report; an older one arriving late changes nothing.</summary>
    private void Apply(int group, TaskGrainProgress progress)
    {
        var old = _progress[group];
        if (progress.Done <= old.Done)
        {
            return;
        }

        _progress[group] = progress;
        _completed += progress.Completed - old.Completed;
        _failed += progress.Failed - old.Failed;
        _usage = _usage + progress.Usage + new TokenUsage(-old.Usage.PromptTokens, -old.Usage.CompletionTokens, -old.Usage.TotalTokens);
    }

    /// <summary>Writes the job's state; writes of interleaved calls go one at a time (each needs the last one's ETag).</summary>
    private async Task WriteStateAsync()
    {
        await _writeLock.WaitAsync();
        try
        {
            await state.WriteStateAsync();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private void SnapshotCounters()
    {
        if (!_progressLoaded)
        {
            return;
        }

        state.State.CompletedCount = _completed;
        state.State.FailedCount = _failed;
        state.State.PromptTokens = _usage.PromptTokens;
        state.State.CompletionTokens = _usage.CompletionTokens;
        state.State.TotalTokens = _usage.TotalTokens;
    }

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
            await GrainFactory.GetGrain<IBatchRegistryGrain>(BatchRegistry.Key).AddAsync(JobId, state.State.SubmittedAt);
            state.State.Listed = true;
        }
        catch (Exception exception)
        {
            Log.ListingFailed(logger, JobId, exception.Message);
        }
    }

    private async Task UnregisterResumeReminderAsync()
    {
        try
        {
            if (await this.GetReminder(ResumeReminderName) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
        }
        catch (Exception exception)
        {
            // A reminder left behind finds the job finished and tries again.
            Log.ReminderCleanupFailed(logger, JobId, exception.Message);
        }
    }


    private ITaskGrain TaskGrainOf(int group)
    {
        // References are cached: resolving one costs more than the call it makes.
        if (!_taskGrains.TryGetValue(group, out var grain))
        {
            grain = GrainFactory.GetGrain<ITaskGrain>(TaskGrainKeys.For(JobId, group));
            _taskGrains[group] = grain;
        }

        return grain;
    }

    private BatchJobView View()
    {
        var s = state.State;
        var live = _progressLoaded && s.Status != BatchJobStatus.Completed;
        return new BatchJobView(
            JobId, s.Status, s.Model, s.SubmittedAt, s.TaskCount,
            live ? _completed : s.CompletedCount,
            live ? _failed : s.FailedCount,
            live ? _usage : new TokenUsage(s.PromptTokens, s.CompletionTokens, s.TotalTokens))
        {
            StartedAt = s.StartedAt,
            CompletedAt = s.CompletedAt,
            Error = s.Error,
            MetadataJson = s.MetadataJson,
        };
    }
}
