using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Serialization;
using OrleansGateway.Chat;
using OrleansGateway.Errors;
using OrleansGateway.Storage;

namespace OrleansGateway.Batch;

/// <summary>
/// Holds a group of consecutive tasks of one job and their results. Runs a task through
/// <see cref="ChatExecutor"/> at batch priority (provider slots, retries and fallbacks as for
/// interactive requests) and answers only once its result is stored; results that arrive within
/// <see cref="BatchOptions.ResultWriteDelay"/> of each other are stored in one write. A task with
/// a final result is never run again, so a task started twice (a resumed job) leaves one result.
/// Large things live in blobs (<see cref="IBlobStore"/>): a result over <see cref="BatchOptions.MaxInlineResultBytes"/>
/// is written whole to its own blob before it is recorded, and inputs over <see cref="BatchOptions.MaxInlineInputBytes"/>
/// to one blob at submission, so grain state stays small whatever the provider answers. Results are
/// served from what the last successful write stored, never from what is only in memory.
/// Reentrant: its tasks run concurrently.
/// </summary>
[Reentrant]
public sealed partial class TaskGrain(
    [PersistentState("batch-tasks", GatewayStorage.Name)] IPersistentState<TaskGrainInputState> input,
    [PersistentState("batch-results", GatewayStorage.Name)] IPersistentState<TaskGrainResultState> results,
    ChatExecutor executor,
    IBlobStore blobs,
    Serializer serializer,
    IOptions<BatchOptions> options,
    TimeProvider time,
    ILogger<TaskGrain> logger) : Grain, ITaskGrain
{
    private readonly Dictionary<int, Task> _running = [];
    private readonly CancellationTokenSource _cancel = new();
    private TaskCompletionSource? _nextWrite;
    private bool _writing;
    private long _version;
    private long _storedVersion;
    private const int BlobWriteAttempts = 3;
    private const int StateWriteAttempts = 3;
    private string? _storageError;
    private TaskGrainProgress _storedProgress = TaskGrainProgress.None;
    private TaskResultEntry[] _storedEntries = [];

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (input.RecordExists && input.State.TasksBlob is { } tasksBlob)
        {
            var bytes = await blobs.ReadBytesAsync(tasksBlob, cancellationToken)
                ?? throw new InvalidOperationException($"Task grain '{this.GetPrimaryKeyString()}': its inputs blob '{tasksBlob}' is missing.");
            input.State.Tasks = serializer.Deserialize<List<BatchTask>>(bytes)
                ?? throw new InvalidOperationException($"Task grain '{this.GetPrimaryKeyString()}': its inputs blob '{tasksBlob}' is empty.");
        }

        FitEntries();
        _storedEntries = [.. results.State.Entries];
        _storedProgress = Progress(_storedEntries);
    }

    public async Task InitializeAsync(TaskGrainSpec spec)
    {
        if (input.RecordExists)
        {
            return;
        }

        input.State = new TaskGrainInputState
        {
            JobId = spec.JobId,
            Model = spec.Model,
            FirstIndex = spec.FirstIndex,
            MaxTokens = spec.MaxTokens,
            Temperature = spec.Temperature,
            TopP = spec.TopP,
            Tasks = [.. spec.Tasks],
            TaskCount = spec.Tasks.Length,
        };

        var tasks = input.State.Tasks;
        var serialized = serializer.SerializeToArray(tasks);
        if (serialized.Length > options.Value.MaxInlineInputBytes)
        {
            // Too large for one storage entity: the tasks go to a blob, the state keeps its name.
            var name = BlobNames.Check($"batch/{this.GetPrimaryKeyString()}/tasks");
            await blobs.WriteBytesAsync(name, serialized);
            input.State.TasksBlob = name;
            input.State.Tasks = [];
            try
            {
                await input.WriteStateAsync();
            }
            finally
            {
                input.State.Tasks = tasks;
            }
        }
        else
        {
            await input.WriteStateAsync();
        }

        FitEntries();
        _storedEntries = [.. results.State.Entries];
    }

    public async Task<TaskGrainProgress> RunAsync(ImmutableArray<int> indexes)
    {
        var locals = indexes.Select(LocalIndex).ToArray();
        try
        {
            await Task.WhenAll(locals.Select(local => RunOneAsync(local, _cancel.Token)));
        }
        catch (Exception) when (_storageError is not null)
        {
            // Reported below: the job ends with the storage error rather than calling again.
        }

        // Counts only results already stored: a result still waiting for its write is not reported done.
        return StoredProgress();
    }

    public Task CancelAsync() => _cancel.CancelAsync();

    public async Task<TaskGrainSnapshot> GetSnapshotAsync()
    {
        if (!input.RecordExists)
        {
            return new TaskGrainSnapshot(TaskGrainProgress.None, [], InputsMissing: true);
        }

        // Everything recorded is stored before it is counted, so counts and pending tasks agree.
        while (_storedVersion < _version && _storageError is null)
        {
            try
            {
                await EnsureStoredAsync();
            }
            catch (Exception) when (_storageError is not null)
            {
                // Reported below.
            }
        }

        if (_storageError is not null)
        {
            return new TaskGrainSnapshot(StoredProgress(), []);
        }

        var pending = ImmutableArray.CreateBuilder<int>();
        var entries = results.State.Entries;
        for (var i = 0; i < entries.Count; i++)
        {
            if (!entries[i].IsFinal)
            {
                pending.Add(input.State.FirstIndex + i);
            }
        }

        return new TaskGrainSnapshot(Progress(), pending.ToImmutable());
    }

    public async Task<ImmutableArray<BatchTaskResult>> GetResultsAsync(int from, int count)
    {
        var tasks = input.State.Tasks;
        var first = Math.Max(from, input.State.FirstIndex);
        var end = Math.Min((long)from + count, (long)input.State.FirstIndex + tasks.Count);
        if (end <= first)
        {
            return [];
        }

        var items = ImmutableArray.CreateBuilder<BatchTaskResult>((int)(end - first));
        for (var index = first; index < end; index++)
        {
            var local = index - input.State.FirstIndex;
            // What the last successful write stored: a result only in memory is still pending here.
            var entry = await LoadAsync(_storedEntries[local]);
            var usage = entry.Status == BatchTaskStatus.Completed ? new TokenUsage(entry.PromptTokens, entry.CompletionTokens, entry.TotalTokens) : null;
            items.Add(new BatchTaskResult(index, tasks[local].Id, entry.Status, entry.Output, usage, entry.Error));
        }

        return items.MoveToImmutable();
    }

    /// <summary>The whole entry: inline, or read back from its blob.</summary>
    private async Task<TaskResultEntry> LoadAsync(TaskResultEntry entry)
    {
        if (entry.Blob is not { } name)
        {
            return entry;
        }

        var bytes = await blobs.ReadBytesAsync(name);
        return bytes is null
            ? new TaskResultEntry { Status = BatchTaskStatus.Failed, Error = "The task's stored result is missing from blob storage." }
            : serializer.Deserialize<TaskResultEntry>(bytes) ?? new TaskResultEntry { Status = BatchTaskStatus.Failed, Error = "The task's stored result is empty." };
    }

    /// <summary>
    /// The entry to record for a final result: itself when small, else a stub naming the blob it was written to.
    /// A blob write that fails <see cref="BlobWriteAttempts"/> times ends the task with an error instead.
    /// </summary>
    private async Task<TaskResultEntry> StoreLargeAsync(int local, TaskResultEntry entry)
    {
        var serialized = serializer.SerializeToArray(entry);
        if (serialized.Length <= options.Value.MaxInlineResultBytes)
        {
            return entry;
        }

        var name = BlobNames.Check($"batch/{this.GetPrimaryKeyString()}/results/{local}");
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await blobs.WriteBytesAsync(name, serialized);
                return new TaskResultEntry
                {
                    Status = entry.Status,
                    PromptTokens = entry.PromptTokens,
                    CompletionTokens = entry.CompletionTokens,
                    TotalTokens = entry.TotalTokens,
                    Blob = name,
                };
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                if (attempt >= BlobWriteAttempts)
                {
                    Log.ResultNotStored(logger, input.State.JobId, input.State.FirstIndex + local, attempt, exception);
                    return new TaskResultEntry
                    {
                        Status = BatchTaskStatus.Failed,
                        Error = $"The task's result ({serialized.Length} bytes) could not be stored in blob storage after {attempt} attempts ({exception.GetType().Name}).",
                    };
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), time);
            }
        }
    }

    private async Task RunOneAsync(int local, CancellationToken cancellationToken)
    {
        if (_storageError is not null)
        {
            // Nothing more can be stored here: run nothing more.
            return;
        }

        if (results.State.Entries[local].IsFinal)
        {
            // Stored already, unless the write that holds it failed: then store it now.
            await EnsureStoredAsync();
            return;
        }

        if (!_running.TryGetValue(local, out var running))
        {
            running = RunTaskAsync(local, cancellationToken);
            _running[local] = running;
        }

        try
        {
            await running;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cancelled with its job: no result, and the call still answers with what is stored.
        }
        finally
        {
            if (_running.TryGetValue(local, out var current) && current == running && running.IsCompleted)
            {
                _running.Remove(local);
            }
        }
    }

    private async Task RunTaskAsync(int local, CancellationToken cancellationToken)
    {
        var task = input.State.Tasks[local];
        var request = new ChatRequest(input.State.Model, task.Messages)
        {
            MaxTokens = task.MaxTokens ?? input.State.MaxTokens,
            Temperature = task.Temperature ?? input.State.Temperature,
            TopP = input.State.TopP,
            Priority = RequestPriority.Batch,
            IncludeStreamUsage = false,
            BatchJobId = input.State.JobId,
        };

        var outcome = await CompleteWaitingForProviderAsync(request, local, cancellationToken);

        if (cancellationToken.IsCancellationRequested && !outcome.Succeeded && outcome.Error.Kind == GatewayErrorKind.Cancelled)
        {
            // Cancelled with its job: no result, the task stays pending.
            throw new OperationCanceledException(cancellationToken);
        }

        var entry = results.State.Entries[local];
        if (entry.IsFinal)
        {
            await EnsureStoredAsync();
            return;
        }

        var final = outcome.Succeeded
            ? new TaskResultEntry
            {
                Status = BatchTaskStatus.Completed,
                Output = outcome.Result.Content,
                PromptTokens = outcome.Result.Usage.PromptTokens,
                CompletionTokens = outcome.Result.Usage.CompletionTokens,
                TotalTokens = outcome.Result.Usage.TotalTokens,
            }
            : new TaskResultEntry { Status = BatchTaskStatus.Failed, Error = outcome.Error.Message };
        final = await StoreLargeAsync(local, final);
        if (results.State.Entries[local].IsFinal)
        {
            // Recorded meanwhile by another run of the same task.
            await EnsureStoredAsync();
            return;
        }

        results.State.Entries[local] = final;
        if (!outcome.Succeeded)
        {
            Log.TaskFailed(logger, input.State.JobId, input.State.FirstIndex + local, outcome.Error.Kind, outcome.Error.Message);
        }

        _version++;
        await EnsureStoredAsync();
    }

    /// <summary>
    /// Runs the completion; while the provider turns work away (circuit open, queue full, rate
    /// limited) it waits the provider's <c>Retry-After</c> and tries again, up to
    /// <see cref="BatchOptions.ProviderWaitLimit"/>, so a short outage does not fail the job's tasks.
    /// </summary>
    private async Task<ChatOutcome> CompleteWaitingForProviderAsync(ChatRequest request, int local, CancellationToken cancellationToken)
    {
        var giveUpAt = time.GetUtcNow() + options.Value.ProviderWaitLimit;
        while (true)
        {
            ChatOutcome outcome;
            try
            {
                outcome = await executor.CompleteAsync(request, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Not the provider's answer but the cluster's trouble (a grain lost with its silo):
                // no result is recorded, and the job runs the task again.
                Log.TaskInterrupted(logger, input.State.JobId, input.State.FirstIndex + local, exception.GetType().Name, exception.Message);
                throw;
            }

            if (outcome.Succeeded || outcome.Error.Kind is not (GatewayErrorKind.CircuitOpen or GatewayErrorKind.QueueFull or GatewayErrorKind.RateLimited))
            {
                return outcome;
            }

            var wait = TimeSpan.FromSeconds(Math.Clamp(outcome.Error.RetryAfterSeconds ?? 1, 1, 30));
            if (time.GetUtcNow() + wait > giveUpAt)
            {
                return outcome;
            }

            Log.WaitingForProvider(logger, input.State.JobId, input.State.FirstIndex + local, outcome.Error.Kind, wait);
            await Task.Delay(wait, time, cancellationToken);
        }
    }

    /// <summary>Completes once every result recorded so far is stored; concurrent callers share one write.</summary>
    private Task EnsureStoredAsync()
    {
        if (_storedVersion >= _version)
        {
            return Task.CompletedTask;
        }

        var write = _nextWrite ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_writing)
        {
            _ = WriteLoopAsync();
        }

        return write.Task;
    }

    private async Task WriteLoopAsync()
    {
        _writing = true;
        try
        {
            var delay = options.Value.ResultWriteDelay;
            while (_nextWrite is not null)
            {
                if (delay > TimeSpan.Zero)
                {
                    // Results finishing meanwhile join this write.
                    await Task.Delay(delay, time);
                }

                var write = _nextWrite!;
                _nextWrite = null;
                var version = _version;
                TaskResultEntry[] written = [.. results.State.Entries];
                var progress = Progress(written);
                try
                {
                    // Every result counted in progress is in this write; later ones may be too, and are counted by the next.
                    await WriteResultsAsync();
                    _storedVersion = Math.Max(_storedVersion, version);
                    _storedEntries = written;
                    if (progress.Done > _storedProgress.Done)
                    {
                        _storedProgress = progress;
                    }

                    write.TrySetResult();
                }
                catch (Exception exception)
                {
                    // Every attempt failed: storage refuses this grain's state, so the job ends with the error.
                    var last = input.State.FirstIndex + input.State.TaskCount - 1;
                    _storageError ??= $"The results of tasks {input.State.FirstIndex} to {last} could not be stored in grain storage after {StateWriteAttempts} attempts ({exception.GetBaseException().GetType().Name}).";
                    Log.StateNotStored(logger, input.State.JobId, this.GetPrimaryKeyString(), StateWriteAttempts, exception);
                    write.TrySetException(exception);
                }
            }
        }
        finally
        {
            _writing = false;
        }
    }

    /// <summary>Writes the results state, trying again after a failure up to <see cref="StateWriteAttempts"/> times.</summary>
    private async Task WriteResultsAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await results.WriteStateAsync();
                return;
            }
            catch (Exception exception) when (attempt < StateWriteAttempts)
            {
                Log.WriteFailed(logger, input.State.JobId, this.GetPrimaryKeyString(), exception);
                await Task.Delay(TimeSpan.FromMilliseconds(500 * attempt), time);
            }
        }
    }

    private TaskGrainProgress StoredProgress() => _storageError is null ? _storedProgress : _storedProgress with { StorageError = _storageError };

    private TaskGrainProgress Progress() => Progress(results.State.Entries);

    private static TaskGrainProgress Progress(IEnumerable<TaskResultEntry> entries)
    {
        int completed = 0, failed = 0, prompt = 0, completion = 0, total = 0;
        foreach (var entry in entries)
        {
            if (entry.Status == BatchTaskStatus.Completed)
            {
                completed++;
                prompt += entry.PromptTokens;
                completion += entry.CompletionTokens;
                total += entry.TotalTokens;
            }
            else if (entry.Status == BatchTaskStatus.Failed)
            {
                failed++;
            }
        }

        return new TaskGrainProgress(completed, failed, new TokenUsage(prompt, completion, total));
    }

    private int LocalIndex(int index)
    {
        var local = index - input.State.FirstIndex;
        if (!input.RecordExists || local < 0 || local >= input.State.Tasks.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Task grain '{this.GetPrimaryKeyString()}' holds no task {index}.");
        }

        return local;
    }

    /// <summary>One result entry per task, pending where none is stored.</summary>
    private void FitEntries()
    {
        var entries = results.State.Entries ??= [];
        var count = input.State.Tasks?.Count ?? 0;
        while (entries.Count < count)
        {
            entries.Add(new TaskResultEntry());
        }
    }
}
