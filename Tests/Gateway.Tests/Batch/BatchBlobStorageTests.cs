using Orleans.Hosting;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;

namespace OrleansGateway.Tests.Batch;

/// <summary>
/// Batch tasks with long answers and long prompts on an in-process silo whose grain storage and blob
/// store are made in the test: large results and inputs go to blobs, what is reported is what is stored,
/// and a blob store that refuses writes ends the tasks with an error instead of a retry loop.
/// </summary>
public sealed class BatchBlobStorageTests : BatchClusterTest
{
    private const int AnswerBytes = 40 * 1024;
    private const int PromptBytes = 30 * 1024;
    private readonly SharedGrainStore _store = new();
    private readonly FailingBlobStore _blobs = new();
    private readonly SharedReminderTable _reminders = new();
    private readonly GatedGrainStorage _storage = new("batch-results");

    public override async Task DisposeAsync()
    {
        _storage.Release();
        await base.DisposeAsync();
    }

    protected override Task<InProcessTestCluster> StartClusterAsync(FakeProviderServer provider)
    {
        provider.Behavior = request => FakeReply.Text(Answer(request.LastUserMessage));
        var settings = new Dictionary<string, string?>
        {
            ["Gateway:Providers:fake:MaxConcurrency"] = "4",
            ["Gateway:Providers:fake:MaxRetries"] = "0",
            ["Gateway:Providers:fake:CircuitFailureThreshold"] = "1000",
        };
        return BatchTestCluster.StartAsync(1, provider, settings, _blobs, silo =>
        {
            silo.UseSharedReminders(_reminders);
            silo.Services.AddGrainStorage(GatewayStorage.Name, (services, _) =>
            {
                _storage.Inner = new SharedGrainStorage(_store, services.GetRequiredService<IGrainStorageSerializer>());
                return _storage;
            });
        });
    }

    [Fact]
    public async Task Run_LongAnswersAndLongPrompts_ResultsAndInputsInBlobsStateSmallOneCallPerTask()
    {
        const int taskCount = 70;
        var job = Cluster.Client.GetGrain<IBatchJobGrain>("batch_blobs_" + Guid.NewGuid().ToString("N"));
        await job.SubmitAsync(new BatchJobSpec("fake/fake-model", [.. Tasks(taskCount)]));

        var view = await WaitForStatusAsync(job, BatchJobStatus.Completed);
        var results = await job.GetResultsAsync(0, taskCount);

        Assert.Equal(taskCount, view.CompletedCount);
        Assert.Equal(0, view.FailedCount);
        Assert.Equal(taskCount, results.Length);
        for (var i = 0; i < taskCount; i++)
        {
            Assert.Equal(BatchTaskStatus.Completed, results[i].Status);
            Assert.Equal(Answer(Prompt(i)), results[i].Output);
        }

        Assert.Equal(taskCount, Provider.TotalCount);

        // Grain state holds names and counts, not the 40 KB answers nor the 30 KB prompts.
        var group = Cluster.Client.GetGrain<ITaskGrain>(TaskGrainKeys.For(job.GetPrimaryKeyString(), 0)).GetGrainId();
        Assert.True(_store.TryGet("batch-results", group, out var resultState, out _));
        Assert.True(_store.TryGet("batch-tasks", group, out var inputState, out _));
        Assert.True(resultState.ToMemory().Length < 16 * 1024, $"results state of a group of 64 is {resultState.ToMemory().Length} bytes");
        Assert.True(inputState.ToMemory().Length < 16 * 1024, $"input state of a group of 64 is {inputState.ToMemory().Length} bytes");
    }

    [Fact]
    public async Task GetResults_ResultsAnsweredButNotYetStored_ReportedPendingUntilStored()
    {
        const int taskCount = 6;
        _storage.Hold();
        var job = Cluster.Client.GetGrain<IBatchJobGrain>("batch_gated_" + Guid.NewGuid().ToString("N"));
        await job.SubmitAsync(new BatchJobSpec("fake/fake-model", [.. Tasks(taskCount)]));

        // Every task has its answer, but no results write has gone through.
        await Eventually.UntilAsync(() => Provider.TotalCount == taskCount && _storage.Waiting > 0, "all answers in and a results write waiting", TimeSpan.FromSeconds(30));
        var before = await job.GetResultsAsync(0, taskCount);
        var viewBefore = await job.GetAsync();
        Assert.All(before, r => Assert.Equal(BatchTaskStatus.Pending, r.Status));
        Assert.All(before, r => Assert.Null(r.Output));
        Assert.Equal(0, viewBefore!.CompletedCount);

        _storage.Release();
        var view = await WaitForStatusAsync(job, BatchJobStatus.Completed);
        var after = await job.GetResultsAsync(0, taskCount);
        Assert.Equal(taskCount, view.CompletedCount);
        Assert.All(after, r => Assert.Equal(BatchTaskStatus.Completed, r.Status));
        Assert.Equal(taskCount, Provider.TotalCount);
    }

    [Fact]
    public async Task Run_BlobStoreRefusesWrites_TasksFailWithStorageErrorAndJobEnds()
    {
        const int taskCount = 4;
        var job = Cluster.Client.GetGrain<IBatchJobGrain>("batch_failing_" + Guid.NewGuid().ToString("N"));

        // The inputs are small (inline in grain state); the 40 KB answers need the blob store, which refuses.
        _blobs.FailWrites = true;
        try
        {
            await job.SubmitAsync(new BatchJobSpec("fake/fake-model", [.. Tasks(taskCount, prompt: i => $"short {i}")]));
            var view = await WaitForStatusAsync(job, BatchJobStatus.Completed);
            var results = await job.GetResultsAsync(0, taskCount);

            Assert.Equal(taskCount, view.FailedCount);
            Assert.All(results, r =>
            {
                Assert.Equal(BatchTaskStatus.Failed, r.Status);
                Assert.Contains("could not be stored in blob storage", r.Error);
            });
            Assert.Equal(taskCount, Provider.TotalCount);
            Assert.Equal(taskCount * 3, _blobs.FailedWrites);
        }
        finally
        {
            _blobs.FailWrites = false;
        }
    }

    [Fact]
    public async Task Run_ResultsStateWritesKeepFailing_JobFailsWithStorageErrorAndIsNotResumed()
    {
        const int taskCount = 4;
        var job = Cluster.Client.GetGrain<IBatchJobGrain>("batch_state_failing_" + Guid.NewGuid().ToString("N"));

        // The inputs are stored; every write of the group's results is refused.
        _storage.FailWrites = true;
        try
        {
            await job.SubmitAsync(new BatchJobSpec("fake/fake-model", [.. Tasks(taskCount, prompt: i => $"short {i}")]));
            var view = await WaitForStatusAsync(job, BatchJobStatus.Failed);
            var results = await job.GetResultsAsync(0, taskCount);

            Assert.True(view.Error?.Contains("could not be stored in grain storage after 3 attempts (IOException)", StringComparison.Ordinal) == true, view.Error);
            Assert.Contains("tasks 0 to 3", view.Error);
            Assert.Equal(0, view.CompletedCount);

            // What is reported is what was stored: nothing.
            Assert.All(results, r => Assert.Equal(BatchTaskStatus.Pending, r.Status));
            Assert.True(_storage.FailedWrites >= 3, $"{_storage.FailedWrites} refused writes");
            Assert.InRange(Provider.TotalCount, 1, taskCount);

            // Ended, not looping: the resume reminder that would start it again is gone.
            var reminders = await _reminders.ReadRows(job.GetGrainId());
            Assert.Empty(reminders.Reminders);
        }
        finally
        {
            _storage.FailWrites = false;
        }
    }

    private static string Prompt(int i) => $"prompt {i} " + new string('p', PromptBytes);

    private static string Answer(string prompt) => prompt[..Math.Min(prompt.Length, 20)] + new string('a', AnswerBytes);

    private static IEnumerable<BatchTask> Tasks(int count, Func<int, string>? prompt = null) =>
        Enumerable.Range(0, count).Select(i => new BatchTask($"task-{i}", [new ChatMessage("user", (prompt ?? Prompt)(i))]));

    private static async Task<BatchJobView> WaitForStatusAsync(IBatchJobGrain job, BatchJobStatus status)
    {
        BatchJobView? view = null;
        await Eventually.UntilAsync(async () => (view = await job.GetAsync())?.Status == status, $"job status {status}", TimeSpan.FromSeconds(60));
        return view!;
    }
}
