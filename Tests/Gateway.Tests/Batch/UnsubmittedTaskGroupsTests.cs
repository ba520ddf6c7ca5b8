using Orleans.Serialization;
using Orleans.TestingHost;

namespace OrleansGateway.Tests.Batch;

/// <summary>
/// Task groups a submitter stored itself for a job it then never submitted (it failed or died midway) do not stay:
/// <see cref="IBatchJobGrain.DiscardUnsubmittedAsync"/> removes them with their blobs at once, and the reservation made
/// before the first group (<see cref="IBatchJobGrain.ReserveAsync"/>) discards them by reminder after
/// <c>Gateway:Batch:UnsubmittedGroupsTimeout</c> (2 s here) unless the job was submitted, whose groups it leaves alone.
/// On an Orleans in-process test cluster (memory storage and reminders, a memory blob store, a fake provider on loopback).
/// </summary>
public sealed class UnsubmittedTaskGroupsTests : BatchClusterTest
{
    private const int TasksPerGrain = 4;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(2);
    private readonly FailingBlobStore _blobs = new();

    protected override Task<InProcessTestCluster> StartClusterAsync(FakeProviderServer provider) =>
        BatchTestCluster.StartAsync(provider, _blobs, new Dictionary<string, string?>
        {
            ["Gateway:Providers:fake:MaxConcurrency"] = "4",
            ["Gateway:Batch:TasksPerGrain"] = TasksPerGrain.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Gateway:Batch:UnsubmittedGroupsTimeout"] = s_timeout.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
        });

    [Fact]
    public async Task DiscardUnsubmitted_GroupsWritten_TasksAndBlobsGoneAndTheJobCannotBeSubmitted()
    {
        var jobId = NewJobId();
        var job = Cluster.Client.GetGrain<IBatchJobGrain>(jobId);
        await job.ReserveAsync(3);
        await WriteAsync(jobId, 10);
        Assert.Equal(3, BlobsOf(jobId).Count);

        Assert.True(await job.DiscardUnsubmittedAsync(3));

        Assert.Empty(BlobsOf(jobId));
        await AssertGroupsGoneAsync(jobId, 3);
        var refused = await Assert.ThrowsAnyAsync<ArgumentException>(() => job.SubmitAsync(StoredSpec(10)));
        Assert.Contains("3 of its 3 task groups were not stored", refused.Message);
        Assert.Null(await job.GetAsync());
        Assert.Equal(0, Provider.TotalCount);
    }

    [Fact]
    public async Task Reserve_SubmitterNeverSubmits_ReminderDiscardsTheGroupsAfterTheTimeout()
    {
        var jobId = NewJobId();
        await Cluster.Client.GetGrain<IBatchJobGrain>(jobId).ReserveAsync(2);
        await WriteAsync(jobId, 8);
        Assert.Equal(2, BlobsOf(jobId).Count);

        await BatchPolling.UntilAsync(() => Task.FromResult(BlobsOf(jobId)), b => b.Count == 0,
            b => $"The reminder did not discard the unsubmitted groups within 30 s (timeout {s_timeout.TotalSeconds} s); blobs left: {string.Join(", ", b ?? [])}", TimeSpan.FromSeconds(30));

        await AssertGroupsGoneAsync(jobId, 2);
        Assert.Null(await Cluster.Client.GetGrain<IBatchJobGrain>(jobId).GetAsync());
    }

    [Fact]
    public async Task Reserve_ThenSubmitted_ReminderLeavesTheGroupsAndTheJobCompletes()
    {
        Provider.Behavior = request => FakeReply.Text("echo: " + request.LastUserMessage) with { Delay = TimeSpan.FromMilliseconds(500) };
        var jobId = NewJobId();
        var job = Cluster.Client.GetGrain<IBatchJobGrain>(jobId);
        await job.ReserveAsync(3);
        await WriteAsync(jobId, 10);
        await job.SubmitAsync(StoredSpec(10));

        // Runs past the reservation's timeout (10 tasks, 4 at a time, 0.5 s each).
        var done = await BatchPolling.UntilAsync(async () => (await job.GetAsync())!, v => BatchJobLifecycle.IsTerminal(v.Status),
            v => $"The job did not end: {v}", TimeSpan.FromSeconds(30));

        Assert.True(done.Status == BatchJobStatus.Completed && done.CompletedCount == 10, $"{done}");
        Assert.False(await job.DiscardUnsubmittedAsync(3));
        var results = await job.GetResultsAsync(0, 20);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"echo: line {i}"), results.Select(r => r.Chat?.Content));
        Assert.Equal(10, Provider.TotalCount);
    }

    [Fact]
    public async Task Submit_InlineTasksWhoseGroupWriteFails_GroupsWrittenBeforeAreDiscarded()
    {
        var jobId = NewJobId();
        _blobs.FailWhen = name => name == $"batch/{jobId}/2/tasks";
        var job = Cluster.Client.GetGrain<IBatchJobGrain>(jobId);

        await Assert.ThrowsAnyAsync<Exception>(() => job.SubmitAsync(new BatchJobSpec("fake/fake-model", [.. Tasks(12)])));

        Assert.Empty(BlobsOf(jobId));
        await AssertGroupsGoneAsync(jobId, 3);
        Assert.Null(await job.GetAsync());
        Assert.Equal(0, Provider.TotalCount);
    }

    private static string NewJobId() => "batch_" + Guid.NewGuid().ToString("N");

    private List<string> BlobsOf(string jobId) => [.. _blobs.Names.Where(n => n.StartsWith($"batch/{jobId}/", StringComparison.Ordinal))];

    private Task WriteAsync(string jobId, int tasks) =>
        new TaskGroupWriter(key => Cluster.Client.GetGrain<ITaskGrain>(key), Cluster.Client.ServiceProvider.GetRequiredService<Serializer>(), maxCallBytes: 1 << 20)
            .WriteAllAsync(new TaskGrainSpec(jobId, "fake/fake-model", 0, []), TasksPerGrain, Tasks(tasks));

    private async Task AssertGroupsGoneAsync(string jobId, int groups)
    {
        for (var group = 0; group < groups; group++)
        {
            var snapshot = await Cluster.Client.GetGrain<ITaskGrain>(TaskGrainKeys.For(jobId, group)).GetSnapshotAsync();
            Assert.True(snapshot.InputsMissing, $"Group {group} of {jobId} still holds its tasks.");
        }
    }

    private static BatchJobSpec StoredSpec(int tasks) =>
        new("fake/fake-model", []) { StoredTaskCount = tasks, StoredTasksPerGrain = TasksPerGrain };

    private static IEnumerable<BatchTask> Tasks(int count) => Enumerable.Range(0, count).Select(i =>
    {
        ChatMessage message = new("user", $"line {i}");
        return new BatchTask($"c{i}", [message]) { Chat = new ChatRequest("fake/fake-model", [message]) };
    });
}
