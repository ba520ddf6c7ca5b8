using Microsoft.Extensions.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;
using OrleansGateway.Hosting;

namespace OrleansGateway.Tests.Batch;

/// <summary>The batch list keeps the newest <c>Gateway:Batch:MaxListedJobs</c> jobs (here 3), in submission order.</summary>
public sealed class BatchRegistryTests : IAsyncLifetime
{
    private static readonly DateTimeOffset s_start = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Gateway:Batch:MaxListedJobs"] = "3",
                ["Logging:LogLevel:Default"] = "Warning",
            });
            host.Services.AddGatewayCore();
            host.Services.AddGatewayBatch();
            host.Services.AddGatewayBlobStore(host.Configuration);
        });
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(GatewayStorage.Name);
            silo.UseInMemoryReminderService();
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Add_MoreJobsThanListed_ListsTheNewestAndDropsTheOldest()
    {
        var registry = _cluster.Client.GetGrain<IBatchRegistryGrain>(BatchRegistry.Key);
        for (var i = 1; i <= 5; i++)
        {
            await registry.AddAsync($"job-{i}", s_start.AddMinutes(i));
        }

        var page = await registry.ListAsync(null, 10);
        Assert.Equal<string>(["job-5", "job-4", "job-3"], page.Ids);
        Assert.False(page.HasMore);

        var second = await registry.ListAsync("job-4", 10);
        Assert.Equal<string>(["job-3"], second.Ids);

        // A late registration older than every listed job is not listed; a newer one pushes out the oldest.
        await registry.AddAsync("job-0", s_start);
        Assert.Equal<string>(["job-5", "job-4", "job-3"], (await registry.ListAsync(null, 10)).Ids);
        await registry.AddAsync("job-6", s_start.AddMinutes(6));
        var after = await registry.ListAsync(null, 2);
        Assert.Equal<string>(["job-6", "job-5"], after.Ids);
        Assert.True(after.HasMore);
        Assert.Equal<string>(["job-4"], (await registry.ListAsync("job-5", 10)).Ids);
    }
}
