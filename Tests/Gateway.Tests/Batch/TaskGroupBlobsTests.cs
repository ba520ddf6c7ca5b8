using Microsoft.Extensions.Time.Testing;
using Orleans.Serialization;

namespace OrleansGateway.Tests.Batch;

/// <summary>
/// A task group's inputs and results, inline or in blobs: small ones stay in grain state, large ones
/// go to their blob first and read back whole; a result blob that cannot be written fails the task after three attempts.
/// </summary>
public sealed class TaskGroupBlobsTests
{
    private static readonly Serializer s_serializer = new ServiceCollection()
        .AddSerializer(builder => builder.AddAssembly(typeof(TaskResultEntry).Assembly).AddAssembly(typeof(BatchTask).Assembly))
        .BuildServiceProvider()
        .GetRequiredService<Serializer>();

    private readonly FailingBlobStore _store = new();
    private readonly FakeTimeProvider _time = new();

    private TaskGroupBlobs Blobs(int maxInlineResult = 64, int maxInlineInput = 256) =>
        new("job-1/0", _store, s_serializer, new BatchOptions { MaxInlineResultBytes = maxInlineResult, MaxInlineInputBytes = maxInlineInput }, _time);

    [Fact]
    public async Task StoreResultAsync_Small_StaysInline()
    {
        var entry = new TaskResultEntry { Status = BatchTaskStatus.Completed, Output = "hi", TotalTokens = 2 };

        var stored = await Blobs().StoreResultAsync(0, entry);

        Assert.Same(entry, stored);
        Assert.Null(await _store.OpenReadAsync("batch/job-1/0/results/0"));
    }

    [Fact]
    public async Task StoreResultAsync_Large_StubNamingItsBlobAndReadsBackWhole()
    {
        var blobs = Blobs();
        var entry = new TaskResultEntry { Status = BatchTaskStatus.Completed, Output = new string('x', 5000), PromptTokens = 1, CompletionTokens = 2, TotalTokens = 3 };

        var stub = await blobs.StoreResultAsync(5, entry);

        Assert.Equal("batch/job-1/0/results/5", stub.Blob);
        Assert.Null(stub.Output);
        Assert.Equal((BatchTaskStatus.Completed, 1, 2, 3), (stub.Status, stub.PromptTokens, stub.CompletionTokens, stub.TotalTokens));
        var loaded = await blobs.LoadResultAsync(stub);
        Assert.Equal(entry.Output, loaded.Output);
        Assert.Equal(3, loaded.TotalTokens);
    }

    [Fact]
    public async Task StoreResultAsync_BlobWritesKeepFailing_FailedEntryAfterThreeAttempts()
    {
        _store.FailWrites = true;
        var gaveUp = 0;
        var store = Blobs().StoreResultAsync(1, new TaskResultEntry { Status = BatchTaskStatus.Completed, Output = new string('y', 1000) }, (_, attempts) => gaveUp = attempts);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!store.IsCompleted && DateTime.UtcNow < deadline)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.WhenAny(store, Task.Delay(5));
        }

        var entry = await store.WaitAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(BatchTaskStatus.Failed, entry.Status);
        Assert.StartsWith("The task's result (", entry.Error);
        Assert.EndsWith("could not be stored in blob storage after 3 attempts (IOException).", entry.Error);
        Assert.Null(entry.Blob);
        Assert.Equal(3, _store.FailedWrites);
        Assert.Equal(3, gaveUp);
    }

    [Fact]
    public async Task StoreResultAsync_WholeChatResultEvenIfSmall_GoesToItsBlob()
    {
        var blobs = Blobs();
        var entry = new TaskResultEntry { Status = BatchTaskStatus.Completed, Output = "hi", Chat = new ChatResult("c1", "fake/m", "hi", "stop", TokenUsage.Zero, 1) };

        var stub = await blobs.StoreResultAsync(0, entry);

        Assert.Equal("batch/job-1/0/results/0", stub.Blob);
        Assert.Null(stub.Chat);
        Assert.Equal("c1", (await blobs.LoadResultAsync(stub)).Chat!.Id);
    }

    [Fact]
    public async Task StoreInputsAsync_WholeRequestsEvenIfSmall_GoToTheBlob()
    {
        var input = Input(count: 1, promptBytes: 1);
        input.Tasks[0] = input.Tasks[0] with { Chat = new ChatRequest("fake/m", input.Tasks[0].Messages) };

        await Blobs().StoreInputsAsync(input, () => Task.CompletedTask);

        Assert.Equal("batch/job-1/0/tasks", input.TasksBlob);
    }

    [Fact]
    public async Task LoadResultAsync_BlobGone_FailedEntry()
    {
        var entry = await Blobs().LoadResultAsync(new TaskResultEntry { Status = BatchTaskStatus.Completed, Blob = "batch/job-1/0/results/9" });

        Assert.Equal(BatchTaskStatus.Failed, entry.Status);
        Assert.Equal("The task's stored result is missing from blob storage.", entry.Error);
    }

    [Fact]
    public async Task StoreInputsAsync_Small_WrittenInline()
    {
        var input = Input(count: 1, promptBytes: 10);
        List<BatchTask>? written = null;

        await Blobs().StoreInputsAsync(input, () => { written = [.. input.Tasks]; return Task.CompletedTask; });

        Assert.Single(written!);
        Assert.Null(input.TasksBlob);
        Assert.Null(await _store.OpenReadAsync("batch/job-1/0/tasks"));
    }

    [Fact]
    public async Task StoreInputsAsync_Large_BlobFirstStateWithoutTasksThenReadBack()
    {
        var blobs = Blobs();
        var input = Input(count: 3, promptBytes: 500);
        var tasksInState = -1;
        var blobThere = false;

        await blobs.StoreInputsAsync(input, async () =>
        {
            tasksInState = input.Tasks.Count;
            blobThere = await _store.OpenReadAsync("batch/job-1/0/tasks") is not null;
        });

        Assert.Equal(0, tasksInState);
        Assert.True(blobThere, "the blob is written before the state that names it");
        Assert.Equal("batch/job-1/0/tasks", input.TasksBlob);
        Assert.Equal(3, input.Tasks.Count);

        var reloaded = new TaskGrainInputState { TasksBlob = input.TasksBlob, TaskCount = 3 };
        await blobs.LoadInputsAsync(reloaded);
        Assert.Equal(input.Tasks.Select(t => t.Id), reloaded.Tasks.Select(t => t.Id));
        Assert.Equal(input.Tasks[2].Messages[0].Content, reloaded.Tasks[2].Messages[0].Content);
    }

    [Fact]
    public async Task LoadInputsAsync_BlobGone_ThrowsNamingIt()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Blobs().LoadInputsAsync(new TaskGrainInputState { TasksBlob = "batch/job-1/0/tasks" }));

        Assert.Contains("'batch/job-1/0/tasks' is missing", error.Message);
    }

    private static TaskGrainInputState Input(int count, int promptBytes) => new()
    {
        JobId = "job-1",
        Model = "fake/m",
        TaskCount = count,
        Tasks = [.. Enumerable.Range(0, count).Select(i => new BatchTask($"t{i}", [new ChatMessage("user", $"{i} " + new string('p', promptBytes))]))],
    };

    [Fact]
    public void NamesIn_TheResultBlobsAndTheInputsBlob()
    {
        var input = new TaskGrainInputState { TasksBlob = "batch/job-1/0/tasks" };
        TaskResultEntry[] entries = [new() { Blob = "batch/job-1/0/results/0" }, new(), new() { Blob = "batch/job-1/0/results/2" }];

        Assert.Equal(["batch/job-1/0/results/0", "batch/job-1/0/results/2", "batch/job-1/0/tasks"], TaskGroupBlobs.NamesIn(input, entries));
        Assert.Empty(TaskGroupBlobs.NamesIn(null, [new()]));
    }

    [Fact]
    public async Task DeleteAsync_DeletesEveryNamedBlob()
    {
        var blobs = Blobs();
        var stub = await blobs.StoreResultAsync(1, new TaskResultEntry { Status = BatchTaskStatus.Completed, Output = new string('x', 5000) });
        Assert.NotNull(stub.Blob);

        await blobs.DeleteAsync([stub.Blob!]);

        Assert.Null(await _store.OpenReadAsync(stub.Blob!));
    }
}
