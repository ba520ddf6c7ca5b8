using Xunit.Abstractions;

namespace OrleansGateway.Tests.Cluster;

/// <summary>
/// A rolling deploy's worst step: SIGTERM of the silo that holds the provider's grain (the cluster-wide
/// limiter) while requests and streams queue for its slots. The silo must exit within its shutdown timeout
/// and the provider keep serving through the move.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterProviderMoveTests(ClusterFixture cluster, ITestOutputHelper output) : ClusterTest(cluster)
{
    /// <summary>How long the fake provider takes per call (before its first byte).</summary>
    private static readonly TimeSpan s_providerCall = TimeSpan.FromMilliseconds(200);

    /// <summary>The fixture's <c>Gateway:ShutdownTimeoutSeconds</c>.</summary>
    private static readonly TimeSpan s_shutdownTimeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// What the move may add to the longest request: the issue's "about 2 s", read as at most 2.5 s to leave room for a
    /// loaded CI machine. On a quiet machine the move now adds about 0.6 s (four runs: +0.65, +0.60, -0.19, +0.66 s; it
    /// added 1.6 to 2.1 s before the pooled grains moved with the provider grains and a repeated ask joined the queued
    /// one); at load 20 to 60 it added 1.0 to 2.9 s.
    /// </summary>
    private static readonly TimeSpan s_moveAllowance = TimeSpan.FromSeconds(2.5);

    [Fact]
    public async Task Sigterm_SiloHoldingTheProviderGrainUnderLoad_ExitsInTimeAndTheProviderKeepsServing()
    {
        Cluster.Provider.Behavior = r => FakeReply.Text("echo: " + r.LastUserMessage) with { Delay = s_providerCall, ChunkDelay = TimeSpan.FromMilliseconds(10) };
        using (var warmUp = await Cluster.GenerateAsync(Cluster.Frontends[0], "warm-up"))
        {
            Assert.True(warmUp.StatusCode == HttpStatusCode.OK, await warmUp.Content.ReadAsStringAsync());
        }

        var victim = await Cluster.ProviderGrainSiloAsync("fake");
        var survivor = Cluster.Silos.Single(s => s != victim);
        output.WriteLine($"SIGTERM to {victim.Name} (silo port {victim.SiloPort}), which holds ProviderGrain 'fake' (limit {ClusterFixture.ProviderLimit})");

        // Ten clients for three slots: the provider's queue is never empty, so the grain has waiters when its silo stops.
        var load = new LoadRun();
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(Cluster, workersPerFrontend: 4, stop.Token, streamWorkersPerFrontend: 1);
        var warm = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (load.Outcomes.Count(o => o.Succeeded) < 30 && DateTime.UtcNow < warm)
        {
            await Task.Delay(100);
        }

        Cluster.Provider.ResetCounters();
        var controlFrom = load.Now;
        await Task.Delay(TimeSpan.FromSeconds(5));
        var stoppedAt = load.Now;
        await victim.Process!.StopAsync(TimeSpan.FromSeconds(90));
        var exitedAfter = load.Now - stoppedAt;
        await Task.Delay(TimeSpan.FromSeconds(8));
        stop.Cancel();
        await running;
        var peak = Cluster.Provider.PeakInFlight;

        var control = load.Outcomes.Where(o => o.Started >= controlFrom && o.Ended < stoppedAt).ToList();
        var after = load.Outcomes.Where(o => o.Ended >= stoppedAt).ToList();
        // Every request must succeed, streams included: a stream whose grain call was lost with the stopping silo's
        // gateway connection is read on from where it was (ResumableChatStream), so none is cut after its first byte.
        var failed = after.Where(o => !o.Succeeded).ToList();
        var longestControl = control.Max(o => o.Duration);
        var longestAfter = after.Max(o => o.Duration);
        output.WriteLine($"{victim.Name} exited {exitedAfter.TotalSeconds:0.00} s after SIGTERM with code {victim.Process.ExitCode} (shutdown timeout {s_shutdownTimeout.TotalSeconds} s)");
        output.WriteLine($"control (5 s before): {control.Count} requests ({control.Count(o => o.Stream)} streams), longest {longestControl.TotalSeconds:0.00} s");
        output.WriteLine($"from SIGTERM on: {after.Count} requests ({after.Count(o => o.Stream)} streams), {failed.Count} failed ({failed.Count(o => o.Stream)} streams), longest {longestAfter.TotalSeconds:0.00} s");
        output.WriteLine($"peak in flight at the provider: {peak} (limit {ClusterFixture.ProviderLimit})");
        foreach (var slow in after.OrderByDescending(o => o.Duration).Take(3))
        {
            output.WriteLine($"slowest: {(slow.Stream ? "stream" : "completion")} through {slow.Frontend}, +{(slow.Started - stoppedAt).TotalSeconds:0.00} s to +{(slow.Ended - stoppedAt).TotalSeconds:0.00} s ({slow.Duration.TotalSeconds:0.00} s)");
        }

        foreach (var second in after.GroupBy(o => (int)Math.Floor((o.Ended - stoppedAt).TotalSeconds)).OrderBy(g => g.Key))
        {
            output.WriteLine($"{second.Key,4} s after SIGTERM: {second.Count(o => o.Succeeded)} ok, {second.Count(o => !o.Succeeded)} failed, longest {second.Max(o => o.Duration).TotalSeconds:0.00} s");
        }

        Assert.True(victim.Process.HasExited && victim.Process.ExitCode == 0 && exitedAfter <= s_shutdownTimeout,
            $"{victim.Name} took {exitedAfter.TotalSeconds:0.0} s to exit after SIGTERM (code {(victim.Process.HasExited ? victim.Process.ExitCode : -1)}); it must exit within its shutdown timeout of {s_shutdownTimeout.TotalSeconds} s.\n{victim.Process.Tail()}");
        Assert.True(failed.Count == 0,
            $"{failed.Count} of {after.Count} requests ({failed.Count(o => o.Stream)} of them streams) failed while the provider's grain moved: "
            + string.Join("; ", failed.Take(5).Select(f => $"{f.Frontend} at +{(f.Ended - stoppedAt).TotalSeconds:0.0}s: {f.Error}")) + "\n" + Cluster.Tails());
        Assert.True(peak <= ClusterFixture.ProviderLimit, $"The provider saw {peak} requests in flight; its limit is {ClusterFixture.ProviderLimit}.");
        Assert.True(longestAfter <= longestControl + s_moveAllowance,
            $"The longest request from SIGTERM on took {longestAfter.TotalSeconds:0.00} s, against {longestControl.TotalSeconds:0.00} s before it: the move may add at most {s_moveAllowance.TotalSeconds} s.\n{Cluster.Tails()}");
        Assert.True(after.Count(o => o.Succeeded && o.Started > stoppedAt + exitedAfter) >= 10, $"Too few requests succeeded after {victim.Name} left.\n{Cluster.Tails()}");

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
