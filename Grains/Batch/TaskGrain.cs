using System.Collections.Immutable;
using Orleans.Concurrency;
using Orleans.Serialization;
using OrleansGateway.Cluster;
using OrleansGateway.Embeddings;
using OrleansGateway.Keys;
using OrleansGateway.Storage;
using OrleansGateway.Streaming;
using OrleansGateway.Telemetry;

namespace OrleansGateway.Batch;

/// <summary>
/// Holds a group of consecutive tasks of one job and their results. Runs a task through
/// <see cref="ChatExecutor"/> at batch priority (provider slots, retries and fallbacks as for
/// interactive requests) and answers only once its result is stored; results that arrive within
/// <see cref="BatchOptions.ResultWriteDelay"/> of each other are stored in one write (<see cref="CoalescingWriter{TSnapshot}"/>).
/// A task with a final result is never run again, so a task started twice (a resumed job) leaves one result.
/// A task the provider turned away keeps no result (<see cref="ProviderRefusals"/>): the job's next pass runs it again.
/// Large inputs and results live in blobs (<see cref="TaskGroupBlobs"/>), so grain state stays small whatever
/// the provider answers. Results are served from what the last successful write stored, never from what is
/// only in memory. Reentrant: its tasks run concurrently.
/// </summary>
[Reentrant]
public sealed partial class TaskGrain(
    [PersistentState("batch-tasks", GatewayStorage.Name)] IPersistentState<TaskGrainInputState> input,
    [PersistentState("batch-results", GatewayStorage.Name)] IPersistentState<TaskGrainResultState> results,
    ChatExecutor executor,
    EmbeddingExecutor embeddings,
    BatchKeyGate keys,
    TokenUsageEstimator estimator,
    IBlobStore blobs,
    Serializer serializer,
    IOptions<BatchOptions> options,
    SiloStopSignal silo,
    TimeProvider time,
    ILogger<TaskGrain> logger) : Grain, ITaskGrain
{
    /// <summary>The runs in progress; each answers the provider's <c>Retry-After</c> when it turned the batch task away.</summary>
    private readonly RunningTasks<TimeSpan?> _runs = new();
    private readonly TaskGroupResults _stored = new();
    private readonly CancellationTokenSource _cancel = new();
    private CancellationTokenRegistration _workLost;
    private BatchTaskRunner _runner = null!;
    private TaskGroupBlobs _blobs = null!;
    private CoalescingWriter<TaskResultEntry[]> _writer = null!;
    private ProviderRefusals _refusals = null!;
    private TaskGroupPieces _pieces = null!;
    private bool _inputsReleased;

    // The traceparent of the request that submitted the job, as the job sent it (for the task spans' link).
    private string? _submitter;

    private string Key => this.GetPrimaryKeyString();

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _workLost.Dispose();
        return Task.CompletedTask;
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        _runner = new BatchTaskRunner(executor, embeddings, keys, estimator);
        _blobs = new TaskGroupBlobs(Key, blobs, serializer, settings, time);
        _refusals = new ProviderRefusals(settings.ProviderWaitLimit, time);
        _pieces = new TaskGroupPieces(Key);
        // Embedded mode stopping: the runs end and nothing more is written (the in-memory storage goes with the process).
        _workLost = silo.WorkLost.UnsafeRegister(static cancel => ((CancellationTokenSource)cancel!).Cancel(), _cancel);
        _writer = new CoalescingWriter<TaskResultEntry[]>(
            capture: () => [.. results.State.Entries],
            write: () => silo.WorkLost.IsCancellationRequested ? Task.CompletedTask : results.WriteStateAsync(),
            stored: OnStored,
            settings.ResultWriteDelay,
            time,
            retrying: exception => Log.WriteFailed(logger, input.State.JobId, Key, exception),
            gaveUp: exception => Log.StateNotStored(logger, input.State.JobId, Key, CoalescingWriter<TaskResultEntry[]>.Attempts, exception));
        if (input.RecordExists)
        {
            await _blobs.LoadInputsAsync(input.State, cancellationToken);
        }

        TaskGroupResults.Fit(results.State, input.State.Tasks?.Count ?? 0);
        _stored.Load(results.State.Entries);
        ReleaseFinishedInputs();
    }

    public async Task InitializeAsync(TaskGrainSpec spec)
    {
        if (input.RecordExists)
        {
            return;
        }

        if (!_pieces.TryComplete(spec, out var whole))
        {
            // One piece of a group too large for one call: the group is stored when its last piece is here.
            return;
        }

        input.State = TaskGrainInputState.From(spec, whole);
        await _blobs.StoreInputsAsync(input.State, input.WriteStateAsync);
        TaskGroupResults.Fit(results.State, input.State.Tasks?.Count ?? 0);
        _stored.Serve(results.State.Entries);
    }

    public async Task<TaskGrainProgress> RunAsync(ImmutableArray<int> indexes)
    {
        _submitter = RequestContext.Get(BatchTaskTelemetry.SubmitterKey) as string ?? _submitter;
        var locals = indexes.Select(LocalIndex).ToArray();
        TimeSpan? retryAfter = null;
        try
        {
            // The longest wait a provider or the job's key asked for, if any.
            retryAfter = (await Task.WhenAll(locals.Select(local => JoinRunAsync(local, _cancel.Token)))).Where(wait => wait > TimeSpan.Zero).Max();
        }
        catch (Exception) when (_writer.Failed)
        {
            // Reported below: the job ends with the storage error rather than calling again.
        }

        // Counts only results already stored: a result still waiting for its write is not reported done.
        return _stored.Report(_writer.Failure, input.State.FirstIndex, input.State.TaskCount) with { RetryAfter = retryAfter };
    }

    public Task CancelAsync() => _cancel.CancelAsync();

    public async Task DiscardAsync()
    {
        _pieces.Clear();
        await _cancel.CancelAsync();
        var names = TaskGroupBlobs.NamesIn(input.RecordExists ? input.State : null, results.State.Entries);
        if (input.RecordExists)
        {
            await input.ClearStateAsync();
        }

        if (results.RecordExists)
        {
            await results.ClearStateAsync();
        }

        await _blobs.DeleteAsync(names);
        input.State = new TaskGrainInputState();
        results.State = new TaskGrainResultState();
        _stored.Clear();
        DeactivateOnIdle();
    }

    public async Task<TaskGrainSnapshot> GetSnapshotAsync()
    {
        if (!input.RecordExists)
        {
            return new TaskGrainSnapshot(TaskGrainProgress.None, [], InputsMissing: true);
        }

        // Everything recorded is stored before it is counted, so counts and pending tasks agree.
        await _writer.SettleAsync();

        if (_writer.Failed)
        {
            return new TaskGrainSnapshot(_stored.Report(_writer.Failure, input.State.FirstIndex, input.State.TaskCount), []);
        }

        var entries = results.State.Entries;
        return new TaskGrainSnapshot(TaskResultTally.Count(entries), TaskGroupResults.Pending(entries, input.State.FirstIndex));
    }

    public async Task<ImmutableArray<BatchTaskResult>> GetResultsAsync(int from, int count)
    {
        var batchTasks = input.State.Tasks;
        var first = Math.Max(from, input.State.FirstIndex);
        var end = Math.Min((long)from + count, (long)input.State.FirstIndex + batchTasks.Count);
        if (end <= first)
        {
            return [];
        }

        var items = ImmutableArray.CreateBuilder<BatchTaskResult>((int)(end - first));
        for (var index = first; index < end; index++)
        {
            var local = index - input.State.FirstIndex;
            // What the last successful write stored: a result only in memory is still pending here.
            var entry = await _blobs.LoadResultAsync(_stored.Entries[local]);
            items.Add(entry.ToResult(index, batchTasks[local].Id));
        }

        return items.MoveToImmutable();
    }

    /// <summary>Runs the batch task (or joins its run in progress); answers the provider's wait when it turned the task away.</summary>
    private async Task<TimeSpan?> JoinRunAsync(int local, CancellationToken cancellationToken)
    {
        if (_writer.Failed)
        {
            // Nothing more can be stored here: run nothing more.
            return null;
        }

        if (results.State.Entries[local].IsFinal)
        {
            // Stored already, unless the write that holds it failed: then store it now.
            await _writer.EnsureStoredAsync();
            return null;
        }

        try
        {
            return await _runs.JoinAsync(local, () => RunBatchTaskAsync(local, cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cancelled with its job: no result, and the call still answers with what is stored.
            return null;
        }
    }

    /// <summary>One run of batch task <paramref name="local"/>: the completion, then its result recorded and stored.</summary>
    private async Task<TimeSpan?> RunBatchTaskAsync(int local, CancellationToken cancellationToken)
    {
        TaskResultEntry result;
        GatewayError? error;
        TimeSpan? keyWait;
        try
        {
            using var span = BatchTaskTelemetry.StartTask(input.State.JobId, input.State.FirstIndex + local, _submitter);
            (result, error, keyWait, _) = await _runner.RunAsync(input.State, local, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Not the provider's answer but the cluster's trouble (a grain lost with its silo):
            // no result is recorded, and the job runs the task again.
            Log.TaskInterrupted(logger, input.State.JobId, input.State.FirstIndex + local, exception.GetType().Name, exception.Message);
            throw;
        }

        if (error is not null && cancellationToken.IsCancellationRequested && error.Kind == GatewayErrorKind.Cancelled)
        {
            // Cancelled with its job: no result, the task stays pending.
            throw new OperationCanceledException(cancellationToken);
        }

        if (keyWait is { } wait)
        {
            // The job's key has used up its rate, parallel requests or budget: the task waits, however long (never a failure).
            Log.WaitingForKey(logger, input.State.JobId, input.State.FirstIndex + local, input.State.KeyId!, wait);
            return wait;
        }

        if (error is not null && _refusals.KeepsPending(local, error, out var retryAfter))
        {
            // The provider turned it away (circuit open, queue full, rate limited): the job's next pass runs it again.
            Log.WaitingForProvider(logger, input.State.JobId, input.State.FirstIndex + local, error.Kind, retryAfter);
            return retryAfter;
        }

        _refusals.Clear(local);
        if (results.State.Entries[local].IsFinal)
        {
            await _writer.EnsureStoredAsync();
            return null;
        }

        var final = await _blobs.StoreResultAsync(local, result,
            (exception, attempts) => Log.ResultNotStored(logger, input.State.JobId, input.State.FirstIndex + local, attempts, exception));
        if (results.State.Entries[local].IsFinal)
        {
            // Recorded meanwhile by another run of the same task.
            await _writer.EnsureStoredAsync();
            return null;
        }

        results.State.Entries[local] = final;
        if (error is not null)
        {
            Log.TaskFailed(logger, input.State.JobId, input.State.FirstIndex + local, error.Kind, error.Message);
        }

        _writer.MarkChanged();
        await _writer.EnsureStoredAsync();
        return null;
    }

    private void OnStored(TaskResultEntry[] written)
    {
        _stored.Written(written);
        ReleaseFinishedInputs();
    }

    /// <summary>
    /// Once every task of the group has a stored final result nothing runs here again, so the activation keeps only the
    /// tasks' ids (what results are served with), not their requests: a finished group then costs a few bytes a task while
    /// it stays active (a 50,000-line batch has 782 groups, active until Orleans collects them). The stored inputs are
    /// untouched, and a trimmed copy is as good as the stored one for a group whose every result is final.
    /// </summary>
    private void ReleaseFinishedInputs()
    {
        if (_inputsReleased || !input.RecordExists || input.State.Tasks.Count == 0 || _stored.Progress.Done < input.State.Tasks.Count)
        {
            return;
        }

        input.State.Tasks = [.. input.State.Tasks.Select(t => new BatchTask(t.Id, []))];
        _inputsReleased = true;
    }

    private int LocalIndex(int index)
    {
        var local = index - input.State.FirstIndex;
        if (!input.RecordExists || local < 0 || local >= input.State.Tasks.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Task grain '{Key}' holds no task {index}.");
        }

        return local;
    }
}
