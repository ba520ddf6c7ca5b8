using OrleansGateway.Files;
using OrleansGateway.Storage;

namespace OrleansGateway.Batch;

/// <summary>
/// One OpenAI batch: OpenAI's fields (endpoint, input file, window, metadata, line errors, cancel time) over the
/// <see cref="BatchJobGrain"/> of the same id, which runs its lines on the durable engine. Its status and counters
/// are the job's, in OpenAI's words; once the job ends, the output file (answered lines) and the error file (the
/// others) are recorded as <c>batch_output</c> files whose content is written from the job's stored results when
/// read, so they survive any restart and cost no second copy.
/// </summary>
public sealed class OpenAiBatchGrain(
    [PersistentState("openai-batch", GatewayStorage.Name)] IPersistentState<OpenAiBatchState> state,
    IOptions<BatchOptions> options,
    TimeProvider time) : Grain, IOpenAiBatchGrain
{
    private string BatchId => this.GetPrimaryKeyString();

    private IBatchJobGrain Job => GrainFactory.GetGrain<IBatchJobGrain>(BatchId);

    public async Task<OpenAiBatchView> CreateAsync(OpenAiBatchSpec spec)
    {
        if (state.RecordExists)
        {
            return (await GetAsync())!;
        }

        var now = time.GetUtcNow();
        state.State = new OpenAiBatchState
        {
            Endpoint = spec.Endpoint,
            InputFileId = spec.InputFileId,
            CompletionWindow = spec.CompletionWindow,
            MetadataJson = spec.MetadataJson,
            CreatedAt = now,
            Errors = spec.Errors.IsDefaultOrEmpty ? [] : [.. spec.Errors],
            LineCount = spec.LineCount,
            OutputFileId = NewFileId(),
            ErrorFileId = NewFileId(),
            KeyId = spec.KeyId,
        };

        // The record first: when it cannot be written, the job is not started and the caller's "nothing was started"
        // holds (with the job first, a failed write left a job running that no batch named).
        await state.WriteStateAsync();
        BatchJobView? job = null;
        if (spec.Errors.IsDefaultOrEmpty)
        {
            try
            {
                // Once the job answers, the lines are stored and will run whatever crashes.
                job = await Job.SubmitAsync(new BatchJobSpec(spec.Model, spec.Tasks.IsDefault ? [] : spec.Tasks)
                {
                    ExpiresAt = now + options.Value.OpenAiCompletionWindow,
                    StoredTaskCount = spec.StoredTaskCount,
                    StoredTasksPerGrain = spec.StoredTasksPerGrain,
                    KeyId = spec.KeyId,
                });
            }
            catch (ArgumentException)
            {
                // The job refused the submission (a task group missing): nothing runs, so no batch is recorded either.
                await state.ClearStateAsync();
                throw;
            }
        }

        await TryEnsureListedAsync();
        return View(job);
    }

    public async Task<OpenAiBatchView?> GetAsync()
    {
        if (!state.RecordExists)
        {
            return null;
        }

        await TryEnsureListedAsync();
        var job = state.State.Errors.Count > 0 ? null : await Job.GetAsync();
        if (job is not null && BatchJobLifecycle.IsTerminal(job.Status) && !state.State.FilesRecorded)
        {
            await RecordFilesAsync(job);
        }

        return View(job);
    }

    public async Task<OpenAiBatchView?> CancelAsync()
    {
        if (!state.RecordExists)
        {
            return null;
        }

        if (state.State.Errors.Count == 0 && state.State.CancellingAt is null && await Job.GetAsync() is { } job && !BatchJobLifecycle.IsTerminal(job.Status))
        {
            state.State.CancellingAt = time.GetUtcNow();
            await state.WriteStateAsync();
            await Job.CancelAsync();
        }

        return await GetAsync();
    }

    /// <summary>Records the batch's output file (if a line was answered) and error file (if one was not), once.</summary>
    private async Task RecordFilesAsync(BatchJobView job)
    {
        var s = state.State;
        s.HasOutputFile = job.CompletedCount > 0;
        s.HasErrorFile = job.CompletedCount < job.TaskCount;
        var at = job.CompletedAt ?? time.GetUtcNow();
        var registry = GrainFactory.GetGrain<IFileRegistryGrain>(FileRegistry.Key);
        foreach (var (has, fileId, errors, lines) in new[] { (s.HasOutputFile, s.OutputFileId, false, job.CompletedCount), (s.HasErrorFile, s.ErrorFileId, true, job.TaskCount - job.CompletedCount) })
        {
            if (!has)
            {
                continue;
            }

            var name = $"{BatchId}_{(errors ? "error" : "output")}.jsonl";
            await GrainFactory.GetGrain<IFileGrain>(fileId).CreateAsync(new FileRecord(fileId, name, "batch_output", 0, at, lines, string.Empty)
            {
                BatchId = BatchId,
                BatchErrors = errors,
                KeyId = s.KeyId,
            });
            await registry.AddAsync(fileId, "batch_output", s.KeyId);
        }

        s.FilesRecorded = true;
        await state.WriteStateAsync();
    }

    private async Task TryEnsureListedAsync()
    {
        if (state.State.Listed)
        {
            return;
        }

        try
        {
            await GrainFactory.GetGrain<IBatchRegistryGrain>(BatchRegistry.OpenAiKey).AddAsync(BatchId, state.State.CreatedAt, state.State.KeyId);
        }
        catch (Exception)
        {
            // The batch itself is recorded; the next read tries the list again.
            return;
        }

        state.State.Listed = true;
        await state.WriteStateAsync();
    }

    private OpenAiBatchView View(BatchJobView? job)
    {
        var s = state.State;
        var view = new OpenAiBatchView(BatchId, s.Endpoint, s.InputFileId, s.CompletionWindow, Status(job), s.CreatedAt)
        {
            MetadataJson = s.MetadataJson,
            CancellingAt = s.CancellingAt,
            KeyId = s.KeyId,
        };
        if (job is null)
        {
            // Failed in validation, or its job could not be started (the submission failed after the record was
            // written): nothing ran.
            return view with
            {
                Errors = s.Errors.Count > 0 ? [.. s.Errors] : [new BatchLineError("batch_failed", "The batch's job could not be started; nothing ran. Create the batch again.", null, null)],
                FailedAt = s.CreatedAt,
            };
        }

        var ended = job.CompletedAt;
        return view with
        {
            Total = job.TaskCount,
            Completed = job.CompletedCount,
            Failed = job.FailedCount,
            Usage = job.Usage,
            InProgressAt = job.StartedAt,
            ExpiresAt = job.ExpiresAt,
            FinalizingAt = job.Status == BatchJobStatus.Completed ? ended : null,
            CompletedAt = job.Status == BatchJobStatus.Completed ? ended : null,
            FailedAt = job.Status == BatchJobStatus.Failed ? ended : null,
            ExpiredAt = job.Status == BatchJobStatus.Expired ? ended : null,
            CancelledAt = job.Status == BatchJobStatus.Cancelled ? ended : null,
            Errors = job.Status == BatchJobStatus.Failed ? [new BatchLineError("batch_failed", job.Error ?? "The batch could not run.", null, null)] : [],
            OutputFileId = s.FilesRecorded && s.HasOutputFile ? s.OutputFileId : null,
            ErrorFileId = s.FilesRecorded && s.HasErrorFile ? s.ErrorFileId : null,
        };
    }

    private string Status(BatchJobView? job) => job?.Status switch
    {
        null => "failed",
        BatchJobStatus.Queued => "validating",
        BatchJobStatus.Processing => state.State.CancellingAt is null ? "in_progress" : "cancelling",
        BatchJobStatus.Completed => "completed",
        BatchJobStatus.Failed => "failed",
        BatchJobStatus.Cancelled => "cancelled",
        BatchJobStatus.Expired => "expired",
        _ => "failed",
    };

    private static string NewFileId() => "file-" + Guid.NewGuid().ToString("N");
}
