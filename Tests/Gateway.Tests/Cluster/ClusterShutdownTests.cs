namespace OrleansGateway.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class ClusterShutdownTests(ClusterFixture cluster) : ClusterTest(cluster)
{
    [Fact]
    public async Task Frontend_SigtermWithARequestInFlight_FinishesTheRequestAndExitsZero()
    {
        var frontend = Cluster.StartFrontend("frontend-drain");
        await Cluster.WaitForMembersAsync(frontend, Cluster.Silos, ClusterFixture.StartTimeout);
        Cluster.Provider.Behavior = r => FakeReply.Text("echo: " + r.LastUserMessage) with { Delay = TimeSpan.FromSeconds(3) };
        Cluster.Provider.ResetCounters();

        var request = Cluster.GenerateAsync(frontend, "finish me");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (Cluster.Provider.InFlight == 0 && DateTime.UtcNow < deadline && !request.IsCompleted)
        {
            await Task.Delay(50);
        }

        Assert.True(Cluster.Provider.InFlight == 1, $"The request never reached the provider.\n{frontend.Tail()}");
        var stopping = frontend.StopAsync(TimeSpan.FromSeconds(30));
        using var response = await request;
        await stopping;

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"The request in flight at SIGTERM got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}\n{frontend.Tail()}");
        Assert.True(frontend.HasExited && frontend.ExitCode == 0, $"{frontend.Name} did not exit cleanly after SIGTERM (exited: {frontend.HasExited}).\n{frontend.Tail()}");
    }

    [Fact]
    public async Task Silo_SigtermUnderLoad_HandsItsGrainsOverAndRequestsKeepSucceeding()
    {
        Cluster.Provider.Behavior = r => FakeReply.Text("echo: " + r.LastUserMessage) with { Delay = TimeSpan.FromMilliseconds(20) };
        using (var warmUp = await Cluster.GenerateAsync(Cluster.Frontends[0], "warm-up"))
        {
            Assert.True(warmUp.StatusCode == HttpStatusCode.OK, await warmUp.Content.ReadAsStringAsync());
        }

        var victim = await Cluster.ProviderGrainSiloAsync("fake");
        var survivor = Cluster.Silos.Single(s => s != victim);
        var load = new LoadRun();
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(Cluster, workersPerFrontend: 3, stop.Token);
        await load.WaitForSuccessesAsync(30, TimeSpan.FromSeconds(30));

        var stoppedAt = load.Now;
        await victim.Process!.StopAsync(TimeSpan.FromSeconds(40));
        var exitedAfter = load.Now - stoppedAt;
        await Task.Delay(TimeSpan.FromSeconds(5));
        stop.Cancel();
        await running;

        var after = load.Outcomes.Where(o => o.Ended >= stoppedAt).ToList();
        var failed = after.Where(o => !o.Succeeded).ToList();
        Assert.True(victim.Process.ExitCode == 0, $"{victim.Name} exited with {victim.Process.ExitCode} after SIGTERM.\n{victim.Process.Tail()}");
        Assert.True(failed.Count == 0,
            $"{failed.Count} of {after.Count} requests failed while {victim.Name} shut down gracefully (it took {exitedAfter.TotalSeconds:0.0} s): "
            + string.Join("; ", failed.Take(5).Select(f => $"{f.Frontend} at +{(f.Ended - stoppedAt).TotalSeconds:0.0}s: {f.Error}")) + "\n" + Cluster.Tails());
        Assert.True(after.Count(o => o.Started > stoppedAt + exitedAfter) >= 10, $"Too few requests succeeded after {victim.Name} left.\n{Cluster.Tails()}");

        foreach (var frontend in Cluster.Frontends)
        {
            await Cluster.WaitForMembersAsync(frontend, [survivor], TimeSpan.FromSeconds(30));
        }

        victim.StartProcess(Cluster.StartSilo(victim));
        foreach (var frontend in Cluster.Frontends)
        {
            await Cluster.WaitForMembersAsync(frontend, Cluster.Silos, ClusterFixture.StartTimeout);
        }
    }
}
