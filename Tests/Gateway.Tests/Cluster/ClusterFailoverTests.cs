using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using OrleansGateway.FakeProvider;
using Xunit.Abstractions;

namespace OrleansGateway.Tests.Cluster;

// Still to add when the batch feature (BatchJobGrain, /v1/batch) is merged into this branch: a batch
// submitted through a frontend survives kill -9 of the silo holding its BatchJobGrain (exactly one
// result per task), and after RestartEverySilo the finished job and its results are still readable.
// Both fit this class: ProviderGrainSiloAsync shows how to find a grain's silo through the dashboard.
[Collection(ClusterCollection.Name)]
public sealed class ClusterFailoverTests(ClusterFixture cluster, ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>How long after the kill requests are measured (the issue's figure is 30 s; scripts/kill-silo.sh measures that).</summary>
    private static readonly TimeSpan s_window = TimeSpan.FromSeconds(20);

    public Task InitializeAsync() => cluster.EnsureHealthyAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task KillNine_OneOfTwoSilos_RequestsKeepSucceedingAndMembershipFollows()
    {
        cluster.Provider.Behavior = r => FakeReply.Text("echo: " + r.LastUserMessage) with { Delay = TimeSpan.FromMilliseconds(20) };
        foreach (var frontend in cluster.Frontends)
        {
            for (var i = 0; i < 3; i++)
            {
                using var warmUp = await cluster.GenerateAsync(frontend, "warm-up");
                Assert.True(warmUp.StatusCode == HttpStatusCode.OK, $"{frontend.Name} before the kill: {await warmUp.Content.ReadAsStringAsync()}");
            }
        }

        // The worst case: the silo that holds the provider's grain (the cluster-wide limiter) dies with it.
        var victim = await cluster.ProviderGrainSiloAsync("fake");
        var survivor = cluster.Silos.Single(s => s != victim);
        output.WriteLine($"killing {victim.Name} (silo port {victim.SiloPort}), which holds ProviderGrain 'fake'");

        var load = new LoadRun();
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(cluster, workersPerFrontend: 3, stop.Token);
        var warm = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (load.Outcomes.Count(o => o.Succeeded) < 30 && DateTime.UtcNow < warm)
        {
            await Task.Delay(100);
        }

        var killedAt = load.Now;
        victim.Process!.KillHard();
        await Task.Delay(s_window);
        stop.Cancel();
        await running;

        foreach (var second in load.Outcomes.GroupBy(o => (int)Math.Floor((o.Ended - killedAt).TotalSeconds)).OrderBy(g => g.Key))
        {
            output.WriteLine($"{second.Key,4} s after the kill: {second.Count(o => o.Succeeded)} ok, {second.Count(o => !o.Succeeded)} failed");
        }

        var before = load.Outcomes.Where(o => o.Ended < killedAt).ToList();
        var after = load.Outcomes.Where(o => o.Ended >= killedAt).ToList();
        var failed = after.Where(o => !o.Succeeded).ToList();
        var recovered = after.Count(o => o.Succeeded && o.Started > killedAt + TimeSpan.FromSeconds(1));
        Assert.True(before.Count > 0 && before.All(o => o.Succeeded), $"Before the kill: {before.Count} requests, {before.Count(o => !o.Succeeded)} failed.");
        Assert.True(failed.Count * 100 < after.Count,
            $"{failed.Count} of {after.Count} requests ending in the {s_window.TotalSeconds} s after kill -9 of {victim.Name} failed (must be under 1%): "
            + string.Join("; ", failed.Take(5).Select(f => $"{f.Frontend} at +{(f.Ended - killedAt).TotalSeconds:0.0}s: {f.Error}")) + "\n" + cluster.Tails());
        Assert.True(recovered >= 10, $"Only {recovered} requests started after the kill succeeded within {s_window.TotalSeconds} s; the cluster did not recover.\n{cluster.Tails()}");

        // The dead silo leaves /health's member list; a restarted one joins it.
        foreach (var frontend in cluster.Frontends)
        {
            await cluster.WaitForMembersAsync(frontend, [survivor], TimeSpan.FromSeconds(60));
        }

        victim.StartProcess(cluster.StartSilo(victim));
        foreach (var frontend in cluster.Frontends)
        {
            await cluster.WaitForMembersAsync(frontend, cluster.Silos, ClusterFixture.StartTimeout);
        }
    }

    [Fact]
    public async Task RestartEverySilo_ProviderStateWrittenBefore_IsReadAndUpdatedByTheNewSilos()
    {
        using (var response = await cluster.GenerateAsync(cluster.Frontends[0], "before the restart"))
        {
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }

        var table = new TableClient(cluster.Tables, "OrleansGrainState");
        var before = await ProviderStateAsync(table);
        Assert.True(before is not null, $"No grain state of provider 'fake' in Azure Table storage (table OrleansGrainState, service {cluster.ServiceId}): {await DescribeTableAsync(table)}");

        foreach (var silo in cluster.Silos)
        {
            await silo.Process!.StopAsync(TimeSpan.FromSeconds(30));
        }

        var stored = await ProviderStateAsync(table);
        Assert.True(stored is not null, "The provider's state disappeared when the silos stopped.");
        Assert.True(stored!.Value.ActivatedAt == before!.Value.ActivatedAt, $"Stored state changed while no silo ran: {before} -> {stored}");
        Assert.False(stored.Value.MayHaveLeases, $"A graceful stop with no leases outstanding stores MayHaveLeases=false: {stored}");

        foreach (var silo in cluster.Silos)
        {
            silo.StartProcess(cluster.StartSilo(silo));
        }

        foreach (var frontend in cluster.Frontends)
        {
            await cluster.WaitForMembersAsync(frontend, cluster.Silos, ClusterFixture.StartTimeout);
            using var response = await cluster.GenerateAsync(frontend, "after the restart");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{frontend.Name}: {await response.Content.ReadAsStringAsync()}\n{cluster.Tails()}");
        }

        // The new activation read the stored record (Azure Table storage writes only with the ETag it read) and wrote its own.
        var after = await ProviderStateAsync(table);
        Assert.True(after is not null && string.CompareOrdinal(after.Value.ActivatedAt, before.Value.ActivatedAt) > 0,
            $"The provider grain's state was not carried over and updated by the restarted silos: before {before}, after {after}.");
        Assert.True(after!.Value.MayHaveLeases, $"A running provider grain stores MayHaveLeases=true: {after}");
    }

    /// <summary>The persisted <c>ProviderGrainState</c> of provider <c>fake</c> in this run's service, if any.</summary>
    private async Task<(string ActivatedAt, bool MayHaveLeases)?> ProviderStateAsync(TableClient table)
    {
        await foreach (var entity in table.QueryAsync<TableEntity>(maxPerPage: 1000))
        {
            if (!entity.PartitionKey.StartsWith(cluster.ServiceId, StringComparison.Ordinal) || !entity.PartitionKey.Contains("fake", StringComparison.Ordinal))
            {
                continue;
            }

            var json = entity.TryGetValue("StringData", out var text) && text is string s ? s
                : entity.TryGetValue("Data", out var data) && data is byte[] bytes ? Encoding.UTF8.GetString(bytes)
                : entity.TryGetValue("Data", out var binary) && binary is BinaryData binaryData ? binaryData.ToString()
                : null;
            if (json is null)
            {
                continue;
            }

            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.TryGetProperty("ActivatedAt", out var activatedAt))
            {
                // Orleans' JSON leaves out properties at their default value (false).
                return (activatedAt.ToString(), root.TryGetProperty("MayHaveLeases", out var mayHaveLeases) && mayHaveLeases.GetBoolean());
            }
        }

        return null;
    }

    private static async Task<string> DescribeTableAsync(TableClient table)
    {
        var rows = new List<string>();
        try
        {
            await foreach (var entity in table.QueryAsync<TableEntity>(maxPerPage: 100))
            {
                rows.Add($"{entity.PartitionKey} / {entity.RowKey} [{string.Join(",", entity.Keys)}]");
            }
        }
        catch (Azure.RequestFailedException exception)
        {
            return exception.Message;
        }

        return rows.Count == 0 ? "the table is empty" : string.Join("; ", rows.Take(20));
    }
}
