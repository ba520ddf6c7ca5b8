using Orleans.Hosting;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;
using OrleansGateway.Files;

namespace OrleansGateway.Tests.Batch;

/// <summary>
/// <see cref="IOpenAiBatchGrain"/> on an Orleans in-process test cluster (one silo, memory storage, a fake provider on
/// loopback, <c>Gateway:Batch:OpenAiCompletionWindow</c> 3 s): its OpenAI statuses only move forward
/// (validating → in_progress → finalizing → completed) with their timestamps in order, a cancel ends it cancelled with
/// what finished kept, the window's end ends it expired with partial output, and a batch failed in validation ran nothing.
/// Every line ends in exactly one of the output and error files.
/// </summary>
public sealed class OpenAiBatchGrainTests : BatchClusterTest
{
    private static readonly string[] s_order = ["validating", "in_progress", "finalizing", "completed"];
    private readonly InMemoryBlobStore _blobs = new();
    private readonly SharedGrainStore _store = new();

    /// <summary>The grain storage, whose writes of the OpenAI batch records a test can make fail.</summary>
    private readonly GatedGrainStorage _storage = new("openai-batch");

    protected override Task<InProcessTestCluster> StartClusterAsync(FakeProviderServer provider) =>
        BatchTestCluster.StartAsync(1, provider, new Dictionary<string, string?>
        {
            ["Gateway:Providers:fake:MaxConcurrency"] = "1",
            ["Gateway:Providers:fake:TimeoutSeconds"] = "10",
            ["Gateway:Batch:MaxInFlightPerJob"] = "1",
            ["Gateway:Batch:TasksPerGrain"] = "4",
            ["Gateway:Batch:OpenAiCompletionWindow"] = "00:00:03",
        }, _blobs, silo =>
        {
            silo.UseInMemoryReminderService();
            silo.Services.AddGrainStorage(GatewayStorage.Name, (services, _) =>
            {
                _storage.Inner = new SharedGrainStorage(_store, services.GetRequiredService<IGrainStorageSerializer>());
                return _storage;
            });
        });

    /// <summary>
    /// The batch's record cannot be written (storage refusing it): the caller gets the failure, and no job was started,
    /// so the "nothing was started" the frontend then answers holds (the job used to be started first and ran unnamed).
    /// </summary>
    [Fact]
    public async Task Create_RecordCannotBeWritten_FailsAndNoJobIsStarted()
    {
        Provider.Behavior = request => FakeReply.Text("echo: " + request.LastUserMessage);
        var batch = Grain();
        _storage.FailWrites = true;
        try
        {
            await Assert.ThrowsAnyAsync<Exception>(() => batch.CreateAsync(Spec(4)));
        }
        finally
        {
            _storage.FailWrites = false;
        }

        Assert.True(_storage.FailedWrites >= 1, "The record's write was never tried.");
        Assert.Null(await Cluster.Client.GetGrain<IBatchJobGrain>(batch.GetPrimaryKeyString()).GetAsync());
        Assert.Null(await batch.GetAsync());
        Assert.Equal(0, Provider.TotalCount);
    }

    [Fact]
    public async Task Run_ToTheEnd_StatusesOnlyMoveForwardAndTimestampsInOrder()
    {
        Provider.Behavior = request => FakeReply.Text("echo: " + request.LastUserMessage) with { Delay = TimeSpan.FromMilliseconds(40) };
        var batch = Grain();
        var seen = new List<string>();
        var created = await batch.CreateAsync(Spec(6));
        seen.Add(created.Status);

        // The wait's own reads record the statuses, so the last one recorded is the end it saw (a second poller stopped
        // once the wait saw the end could stop before its own last read did).
        var done = await WaitAsync(batch, v => v.Status is "completed" or "failed" or "expired", "the end", view =>
        {
            if (seen[^1] != view.Status)
            {
                seen.Add(view.Status);
            }
        });

        Assert.True(done.Status == "completed", $"{done}");
        Assert.Contains(created.Status, new[] { "validating", "in_progress" });
        Assert.Equal("completed", seen[^1]);
        var ranks = seen.Select(status => Array.IndexOf(s_order, status)).ToList();
        Assert.True(ranks.All(r => r >= 0) && ranks.Zip(ranks.Skip(1)).All(p => p.First < p.Second), $"statuses seen, in order: {string.Join(" → ", seen)}");
        Assert.True(done.CreatedAt <= done.InProgressAt && done.InProgressAt <= done.FinalizingAt && done.FinalizingAt <= done.CompletedAt, $"{done}");
        Assert.Equal((6, 6, 0), (done.Total, done.Completed, done.Failed));
        Assert.Null(done.CancellingAt);
        Assert.Null(done.ExpiredAt);
        Assert.NotNull(done.OutputFileId);
        Assert.Null(done.ErrorFileId);
        var output = await Cluster.Client.GetGrain<IFileGrain>(done.OutputFileId!).GetAsync();
        Assert.Equal(("batch_output", batch.GetPrimaryKeyString(), false, 6L), (output!.Purpose, output.BatchId, output.BatchErrors, output.LineCount));
        Assert.Equal(6, Provider.TotalCount);
    }

    [Fact]
    public async Task Cancel_MidRun_CancelledAfterCancellingAtWithFinishedLinesKept()
    {
        Provider.Behavior = request => FakeReply.Text("echo: " + request.LastUserMessage) with { Delay = TimeSpan.FromMilliseconds(400) };
        var batch = Grain();
        await batch.CreateAsync(Spec(8));
        await WaitAsync(batch, v => v.Completed >= 1, "one finished line");

        var cancelled = await batch.CancelAsync();

        Assert.NotNull(cancelled);
        Assert.True(cancelled.Status == "cancelled", $"{cancelled}");
        Assert.True(cancelled.CancellingAt is { } cancelling && cancelled.CancelledAt is { } at && cancelling <= at && cancelled.InProgressAt <= cancelling, $"{cancelled}");
        Assert.Null(cancelled.CompletedAt);
        var again = await batch.CancelAsync();
        Assert.Equal((cancelled.CancellingAt, cancelled.CancelledAt, "cancelled"), (again!.CancellingAt, again.CancelledAt, again.Status));
        await AssertEveryLineOnceAsync(batch.GetPrimaryKeyString(), again, lines: 8, unrun: BatchTaskStatus.Pending);
        Assert.InRange(again.Completed, 1, 7);
        Assert.NotNull(again.OutputFileId);
        Assert.NotNull(again.ErrorFileId);
    }

    [Fact]
    public async Task Window_ClosesMidRun_ExpiredWithPartialOutput()
    {
        Provider.Behavior = request => FakeReply.Text("echo: " + request.LastUserMessage) with { Delay = TimeSpan.FromMilliseconds(600) };
        var batch = Grain();
        var created = await batch.CreateAsync(Spec(10));
        Assert.True(created.ExpiresAt is { } expiresAt && Math.Abs((expiresAt - created.CreatedAt).TotalSeconds - 3) < 1, $"the window is 3 s: {created}");

        var expired = await WaitAsync(batch, v => v.Status is "expired" or "completed" or "failed", "the end of its window");

        Assert.True(expired.Status == "expired", $"{expired}");
        Assert.True(expired.ExpiredAt >= created.ExpiresAt, $"expired at {expired.ExpiredAt}, window ends {created.ExpiresAt}");
        Assert.Null(expired.CompletedAt);
        Assert.InRange(expired.Completed, 1, 9);
        await AssertEveryLineOnceAsync(batch.GetPrimaryKeyString(), expired, lines: 10, unrun: BatchTaskStatus.Pending);
        Assert.NotNull(expired.OutputFileId);
        Assert.NotNull(expired.ErrorFileId);
    }

    [Fact]
    public async Task Create_WithLineErrors_FailedAtOnceNothingRuns()
    {
        var batch = Grain();
        var errors = ImmutableArray.Create(new BatchLineError("missing_custom_id", "Line 2: 'custom_id' is required.", "custom_id", 2));

        var failed = await batch.CreateAsync(new OpenAiBatchSpec("/v1/chat/completions", "file-x", "24h", [], errors) { LineCount = 3 });

        Assert.Equal("failed", failed.Status);
        Assert.Equal(failed.CreatedAt, failed.FailedAt);
        Assert.Equal(errors.ToArray(), failed.Errors.ToArray());
        Assert.Null(failed.InProgressAt);
        Assert.Null(failed.OutputFileId);
        Assert.Null(await Cluster.Client.GetGrain<IBatchJobGrain>(batch.GetPrimaryKeyString()).GetAsync());
        Assert.Equal(0, Provider.TotalCount);
    }

    [Fact]
    public async Task Create_StoredTasks_JobRunsTheGroupsWrittenBeforehand()
    {
        Provider.Behavior = request => FakeReply.Text("echo: " + request.LastUserMessage);
        var batch = Grain();
        var id = batch.GetPrimaryKeyString();
        var writer = new TaskGroupWriter(key => Cluster.Client.GetGrain<ITaskGrain>(key), Cluster.Client.ServiceProvider.GetRequiredService<Serializer>(), maxCallBytes: 512);
        await writer.WriteAllAsync(new TaskGrainSpec(id, "fake/fake-model", 0, []), tasksPerGrain: 4, Tasks(10));

        await batch.CreateAsync(new OpenAiBatchSpec("/v1/chat/completions", "file-x", "24h", [], []) { LineCount = 10, Model = "fake/fake-model", StoredTaskCount = 10, StoredTasksPerGrain = 4 });
        var done = await WaitAsync(batch, v => v.Status is "completed" or "failed" or "expired", "the end");

        Assert.True(done.Status == "completed" && done.Completed == 10, $"{done}");
        var results = await Cluster.Client.GetGrain<IBatchJobGrain>(id).GetResultsAsync(0, 20);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"c{i}"), results.Select(r => r.Id));
        Assert.All(results, r => Assert.Equal($"echo: line {r.Index}", r.Chat?.Content));
    }

    [Fact]
    public async Task Create_StoredTasksWithAGroupMissing_RefusedAndNothingRecorded()
    {
        var batch = Grain();
        var id = batch.GetPrimaryKeyString();
        var writer = new TaskGroupWriter(key => Cluster.Client.GetGrain<ITaskGrain>(key), Cluster.Client.ServiceProvider.GetRequiredService<Serializer>(), maxCallBytes: 1 << 20);
        // Groups 0 and 1 of 3 (tasks 0-7); group 2 (tasks 8-9) never written.
        await writer.WriteAllAsync(new TaskGrainSpec(id, "fake/fake-model", 0, []), tasksPerGrain: 4, Tasks(8));

        var exception = await Assert.ThrowsAnyAsync<ArgumentException>(() => batch.CreateAsync(
            new OpenAiBatchSpec("/v1/chat/completions", "file-x", "24h", [], []) { LineCount = 10, Model = "fake/fake-model", StoredTaskCount = 10, StoredTasksPerGrain = 4 }));

        Assert.Contains("1 of its 3 task groups were not stored", exception.Message);
        Assert.Null(await batch.GetAsync());
        Assert.Null(await Cluster.Client.GetGrain<IBatchJobGrain>(id).GetAsync());
        Assert.Equal(0, Provider.TotalCount);
    }

    private IOpenAiBatchGrain Grain() => Cluster.Client.GetGrain<IOpenAiBatchGrain>("batch_" + Guid.NewGuid().ToString("N"));

    private static IEnumerable<BatchTask> Tasks(int count) => Enumerable.Range(0, count).Select(i =>
    {
        ChatMessage message = new("user", $"line {i}");
        return new BatchTask($"c{i}", [message]) { Chat = new ChatRequest("fake/fake-model", [message]) };
    });

    private static OpenAiBatchSpec Spec(int lines) =>
        new("/v1/chat/completions", "file-input", "24h", [.. Tasks(lines)], []) { LineCount = lines, Model = "fake/fake-model" };

    /// <summary>Reads <paramref name="batch"/> until <paramref name="condition"/> holds, showing each read to <paramref name="observe"/>.</summary>
    private static Task<OpenAiBatchView> WaitAsync(IOpenAiBatchGrain batch, Func<OpenAiBatchView, bool> condition, string what, Action<OpenAiBatchView>? observe = null) =>
        BatchPolling.UntilAsync(
            async () =>
            {
                var view = (await batch.GetAsync())!;
                observe?.Invoke(view);
                return view;
            },
            condition,
            last => $"The batch did not reach {what}; last: {last}",
            TimeSpan.FromSeconds(30));

    /// <summary>Each line has one result: answered ones counted as completed (the output file), the rest <paramref name="unrun"/> or failed (the error file).</summary>
    private async Task AssertEveryLineOnceAsync(string batchId, OpenAiBatchView view, int lines, BatchTaskStatus unrun)
    {
        var results = await Cluster.Client.GetGrain<IBatchJobGrain>(batchId).GetResultsAsync(0, lines + 10);
        Assert.Equal(Enumerable.Range(0, lines).Select(i => $"c{i}"), results.Select(r => r.Id));
        Assert.Equal(view.Completed, results.Count(r => r.Status == BatchTaskStatus.Completed));
        Assert.Equal(lines - view.Completed - view.Failed, results.Count(r => r.Status == unrun));
        Assert.Equal(view.Total, lines);
        var files = await Task.WhenAll(new[] { view.OutputFileId, view.ErrorFileId }.OfType<string>().Select(id => Cluster.Client.GetGrain<IFileGrain>(id).GetAsync()));
        Assert.Equal(lines, files.Sum(f => f!.LineCount));
    }
}
