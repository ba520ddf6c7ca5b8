using Orleans.Serialization;
using OrleansGateway.Storage;

namespace OrleansGateway.Batch;

/// <summary>
/// Where a task group's large things go: inputs over <see cref="BatchOptions.MaxInlineInputBytes"/>
/// to one blob at submission, each final result over <see cref="BatchOptions.MaxInlineResultBytes"/>
/// to its own write-once blob before it is recorded, so grain state stays small whatever the
/// provider answers. Whole requests and whole results (an OpenAI batch line's <see cref="BatchTask.Chat"/>,
/// <see cref="BatchTask.Embedding"/>, and what they answered) always go to blobs: grain storage may serialize
/// state as JSON, which cannot read every type they hold (an immutable dictionary), while blobs hold the
/// Orleans-serialized values (every field, including fields added later). Everything else stays inline.
/// </summary>
public sealed class TaskGroupBlobs(string groupKey, IBlobStore blobs, Serializer serializer, BatchOptions options, TimeProvider time)
{
    /// <summary>Attempts to write a result's blob before the task is failed with the storage error.</summary>
    public const int ResultWriteAttempts = 3;

    /// <summary>The blob of the group's inputs.</summary>
    public string InputsBlobName => BlobNames.Check($"batch/{groupKey}/tasks");

    /// <summary>The blob of the result of the group's task <paramref name="local"/> (its index in the group).</summary>
    public string ResultBlobName(int local) => BlobNames.Check($"batch/{groupKey}/results/{local}");

    /// <summary>Reads back the tasks of a stored input state kept in a blob; inline tasks are left as they are.</summary>
    public async Task LoadInputsAsync(TaskGrainInputState input, CancellationToken cancellationToken = default)
    {
        if (input.TasksBlob is not { } name)
        {
            return;
        }

        var bytes = await blobs.ReadBytesAsync(name, cancellationToken)
            ?? throw new InvalidOperationException($"Task grain '{groupKey}': its inputs blob '{name}' is missing.");
        input.Tasks = serializer.Deserialize<List<BatchTask>>(bytes)
            ?? throw new InvalidOperationException($"Task grain '{groupKey}': its inputs blob '{name}' is empty.");
    }

    /// <summary>
    /// Writes the input state through <paramref name="writeState"/>: inline when small, else with its
    /// tasks in a blob (written first) and the state naming it. <paramref name="input"/> keeps its tasks in memory either way.
    /// </summary>
    public async Task StoreInputsAsync(TaskGrainInputState input, Func<Task> writeState)
    {
        var tasks = input.Tasks;
        var serialized = serializer.SerializeToArray(tasks);
        if (serialized.Length <= options.MaxInlineInputBytes && !tasks.Exists(t => t.Chat is not null || t.Embedding is not null))
        {
            await writeState();
            return;
        }

        // Too large for one storage entity: the tasks go to a blob, the state keeps its name.
        await blobs.WriteBytesAsync(InputsBlobName, serialized);
        input.TasksBlob = InputsBlobName;
        input.Tasks = [];
        try
        {
            await writeState();
        }
        finally
        {
            input.Tasks = tasks;
        }
    }

    /// <summary>The blobs a group's <paramref name="input"/> (when stored) and result <paramref name="entries"/> name: what discarding the group deletes.</summary>
    public static List<string> NamesIn(TaskGrainInputState? input, IEnumerable<TaskResultEntry> entries)
    {
        var names = entries.Select(e => e.Blob).OfType<string>().ToList();
        if (input?.TasksBlob is { } tasksBlob)
        {
            names.Add(tasksBlob);
        }

        return names;
    }

    /// <summary>Deletes the blobs <paramref name="names"/> names, one after another.</summary>
    public async Task DeleteAsync(IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            await blobs.DeleteAsync(name);
        }
    }

    /// <summary>The whole entry: inline, or read back from its blob (a failed entry when the blob is gone).</summary>
    public async Task<TaskResultEntry> LoadResultAsync(TaskResultEntry entry)
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
    /// The entry to record for a final result: itself when small, else a stub naming the blob it was
    /// written to. A blob write that fails <see cref="ResultWriteAttempts"/> times gives a failed entry
    /// naming the storage failure instead (and calls <paramref name="gaveUp"/>).
    /// </summary>
    public async Task<TaskResultEntry> StoreResultAsync(int local, TaskResultEntry entry, Action<Exception, int>? gaveUp = null)
    {
        var serialized = serializer.SerializeToArray(entry);
        if (serialized.Length <= options.MaxInlineResultBytes && entry.Chat is null && entry.EmbeddingBody is null && entry.Failure is null)
        {
            return entry;
        }

        var name = ResultBlobName(local);
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
                if (attempt >= ResultWriteAttempts)
                {
                    gaveUp?.Invoke(exception, attempt);
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
}
