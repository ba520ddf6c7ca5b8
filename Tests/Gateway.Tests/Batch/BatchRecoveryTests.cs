using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;

namespace OrleansGateway.Tests.Batch;

/// <summary>
/// A two-silo in-process cluster whose grain storage and reminder table live outside the silos
/// (as a database would), so killing a silo loses its activations but not what they stored.
/// </summary>
public sealed class BatchRecoveryTests : BatchClusterTest
{
    private const int TaskCount = 60;
    private readonly SharedGrainStore _store = new();
    private readonly SharedReminderTable _reminders = new();
    private readonly InMemoryBlobStore _blobs = new();

    protected override Task<InProcessTestCluster> StartClusterAsync(FakeProviderServer provider)
    {
        provider.Behavior = request => FakeReply.Text("echo: " + request.LastUserMessage) with { Delay = TimeSpan.FromMilliseconds(100) };
        var settings = new Dictionary<string, string?>
        {
            ["Gateway:Providers:fake:MaxConcurrency"] = "4",
            ["Gateway:Providers:fake:MaxRetries"] = "2",
            ["Gateway:Providers:fake:CircuitFailureThreshold"] = "1000",
            ["Gateway:Providers:fake:LeaseTtlSeconds"] = "2",
            ["Gateway:Batch:TasksPerGrain"] = "5",
            ["Gateway:Batch:ResumeReminderPeriod"] = "00:00:02",
        };
        return BatchTestCluster.StartAsync(2, provider, settings, _blobs, silo =>
        {
            silo.UseSharedReminders(_reminders);
            silo.Services.AddGrainStorage(GatewayStorage.Name, (services, _) => new SharedGrainStorage(_store, services.GetRequiredService<IGrainStorageSerializer>()));
            silo.Configure<ReminderOptions>(options => options.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            silo.Configure<ClusterMembershipOptions>(options =>
            {
                options.ProbeTimeout = TimeSpan.FromSeconds(1);
                options.NumMissedProbesLimit = 2;
                options.NumVotesForDeathDeclaration = 1;
                options.TableRefreshTimeout = TimeSpan.FromSeconds(1);
            });
        });
    }

    [Fact]
    public async Task Run_SiloHoldingJobKilledMidRun_JobResumesAndEachTaskHasExactlyOneResult()
    {
        var jobId = "batch_recovery_" + Guid.NewGuid().ToString("N");
        var job = Cluster.Client.GetGrain<IBatchJobGrain>(jobId);
        var tasks = Enumerable.Range(0, TaskCount)
            .Select(i => new BatchTask($"task-{i}", [new ChatMessage("user", $"recover {i}")]))
            .ToArray();
        await job.SubmitAsync(new BatchJobSpec("fake/fake-model", [.. tasks]));
        var before = await WaitForAsync(job, view => view.CompletedCount >= 10, "10 completed tasks");
        Assert.True(before.CompletedCount < TaskCount, $"the kill must happen mid-run, but {before.CompletedCount} of {TaskCount} tasks were already done");

        Assert.True(Cluster.TryGetGrainContext(job.GetGrainId(), out var context), "the job should be active on some silo");
        var holder = Cluster.Silos.Single(s => s.SiloAddress.Equals(context.Address.SiloAddress));
        await Cluster.KillSiloAsync(holder);

        // Nobody calls the job now: only its reminder can bring it back.
        var stored = await WaitForStoredStatusAsync(job, BatchJobStatus.Completed, TimeSpan.FromSeconds(90));

        var view = await job.GetAsync();
        var results = await job.GetResultsAsync(0, TaskCount + 10);
        Assert.NotNull(view);
        Assert.Equal(BatchJobStatus.Completed, view.Status);
        Assert.Equal(TaskCount, stored.CompletedCount);
        Assert.Equal(TaskCount, view.CompletedCount);
        Assert.Equal(0, view.FailedCount);
        Assert.Equal(TaskCount, results.Length);
        for (var i = 0; i < TaskCount; i++)
        {
            Assert.Equal(i, results[i].Index);
            Assert.Equal($"task-{i}", results[i].Id);
            Assert.Equal(BatchTaskStatus.Completed, results[i].Status);
            Assert.Equal($"echo: recover {i}", results[i].Output);
        }

        Assert.Equal(results.Sum(r => r.Usage!.TotalTokens), view.Usage.TotalTokens);
        Assert.True(Provider.TotalCount >= TaskCount, $"every task reached the provider at least once ({Provider.TotalCount} calls)");
        var reminders = await _reminders.ReadRows(job.GetGrainId());
        Assert.Empty(reminders.Reminders);
    }

    private static Task<BatchJobView> WaitForAsync(IBatchJobGrain job, Func<BatchJobView, bool> condition, string description) =>
        BatchPolling.UntilAsync(
            async () => await job.GetAsync(),
            view => view is not null && condition(view),
            last => $"The job did not reach {description} in time; last: {last}",
            TimeSpan.FromSeconds(30))!;

    /// <summary>Reads the job's stored state (not the grain) until it has <paramref name="status"/>.</summary>
    private async Task<BatchJobState> WaitForStoredStatusAsync(IBatchJobGrain job, BatchJobStatus status, TimeSpan timeout)
    {
        var serializer = Cluster.GetSiloServiceProvider().GetRequiredService<IGrainStorageSerializer>();
        var stored = await BatchPolling.UntilAsync(
            () => Task.FromResult(_store.TryGet("batch-job", job.GetGrainId(), out var data, out _) ? serializer.Deserialize<BatchJobState>(data) : null),
            state => state is not null && state.Status == status,
            last => $"The stored job never reached {status}; last stored status {last?.Status}, {last?.CompletedCount} completed.",
            timeout);
        return stored!;
    }
}
