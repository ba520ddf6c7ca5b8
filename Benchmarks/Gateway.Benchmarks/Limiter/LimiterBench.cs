using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OrleansGateway.Chat;
using OrleansGateway.Providers;

namespace OrleansGateway.Benchmarks.Limiter;

/// <summary>
/// Issue 4's limiter figure: acquire/release pairs per second through one <see cref="IProviderGrain"/>
/// in an in-process silo (embedded mode), from many concurrent callers, checking that no more
/// slots are ever held than the limit.
/// </summary>
public static class LimiterBench
{
    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(CommandLine args)
    {
        var seconds = args.Get("--seconds", 10);
        var limit = args.Get("--limit", 16);
        var command = args.Get("--command", "dotnet OrleansGateway.Benchmarks.dll limiter " + string.Join(' ', args.Args));
        var outDir = args.Get("--out", RepoPaths.ResultsDir);
        var note = args.Get("--note", string.Empty);
        var started = DateTimeOffset.UtcNow;
        var loadBefore = MachineInfo.LoadAverage();
        var header = MachineInfo.Markdown(command);
        var cpuBefore = CpuSnapshot.Take();

        using var host = await EmbeddedSilo.StartAsync(limit);
        var provider = host.Services.GetRequiredService<IGrainFactory>().GetGrain<IProviderGrain>(EmbeddedSilo.Provider);
        await RunScenarioAsync(provider, limit, Math.Max(1, limit / 2), TimeSpan.FromSeconds(2));

        var results = new List<LimiterScenario>();
        foreach (var callers in new[] { Math.Max(1, limit / 2), limit * 4, limit * 16 })
        {
            var result = await RunScenarioAsync(provider, limit, callers, TimeSpan.FromSeconds(seconds));
            results.Add(result);
            Console.WriteLine(string.Create(s_inv,
                $"limit {limit}, {callers,4} callers: {result.PairsPerSecond,8:0} pairs/s, acquire p50 {result.AcquireP50Us:0} us p99 {result.AcquireP99Us:0} us, peak held {result.PeakHeldByCallers}, peak at grain {result.PeakInFlightAtGrain}, refused {result.Refused}, limit held: {result.LimitHeld}"));
        }

        await host.StopAsync();
        var cpuAfter = CpuSnapshot.Take();
        var others = CpuSnapshot.OtherCores(cpuBefore, cpuAfter, new HashSet<int>());
        var path = Path.Combine(outDir, $"{started:yyyy-MM-dd-HHmm}-limiter.md");
        Directory.CreateDirectory(outDir);
        File.WriteAllText(path, Markdown(results, header, started, loadBefore, others, note));
        Console.WriteLine($"results: {path}");
        return results.All(r => r.LimitHeld) ? 0 : 1;
    }

    private static async Task<LimiterScenario> RunScenarioAsync(IProviderGrain provider, int limit, int callers, TimeSpan duration)
    {
        var held = 0;
        var peakHeld = 0;
        var peakAtGrain = 0;
        long pairs = 0;
        long refused = 0;
        var latencies = new List<double>[callers];
        using var stop = new CancellationTokenSource();
        var stopwatch = Stopwatch.StartNew();

        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var status = await provider.GetStatusAsync();
                peakAtGrain = Math.Max(peakAtGrain, status.InFlight);
                await Task.Delay(20);
            }
        });

        var tasks = Enumerable.Range(0, callers).Select(i => Task.Run(async () =>
        {
            var mine = latencies[i] = new List<double>(1024);
            while (!stop.IsCancellationRequested)
            {
                var t0 = Stopwatch.GetTimestamp();
                var lease = await provider.AcquireAsync(new LeaseRequest(RequestPriority.Interactive));
                var waited = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
                if (!lease.Granted)
                {
                    Interlocked.Increment(ref refused);
                    continue;
                }

                var now = Interlocked.Increment(ref held);
                UpdateMax(ref peakHeld, now);
                mine.Add(waited);
                // Hold the slot across one yield, so other callers run while it is held and the limit is reached.
                await Task.Yield();
                // Given back before the release is sent, so the callers' count never runs ahead of the grain's.
                Interlocked.Decrement(ref held);
                await provider.ReleaseAsync(lease.LeaseId, CallOutcome.Success);
                Interlocked.Increment(ref pairs);
            }
        })).ToArray();

        await Task.Delay(duration);
        var measuredPairs = Interlocked.Read(ref pairs);
        var elapsed = stopwatch.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await Task.WhenAll(tasks);
        await sampler;

        // Releases are one-way messages: give them a moment, then every slot must be free again.
        var inFlightAfter = -1;
        for (var i = 0; i < 50 && inFlightAfter != 0; i++)
        {
            await Task.Delay(20);
            inFlightAfter = (await provider.GetStatusAsync()).InFlight;
        }

        var all = latencies.Where(l => l is not null).SelectMany(l => l).ToArray();
        return new LimiterScenario(limit, callers, elapsed, measuredPairs, Interlocked.Read(ref refused), peakHeld, peakAtGrain, inFlightAfter,
            Stats.Percentile(all, 50), Stats.Percentile(all, 99));
    }

    private static void UpdateMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    private static string Markdown(List<LimiterScenario> results, string header, DateTimeOffset started, string load, double otherCores, string note)
    {
        var md = new StringBuilder();
        md.AppendLine(s_inv, $"# Limiter: ProviderGrain acquire/release pairs per second ({started:yyyy-MM-dd HH:mm} UTC)");
        md.AppendLine();
        md.Append(header);
        md.AppendLine(s_inv, $"- Contention: load average {load} at the start; other processes used {otherCores:0.00} cores on average during the run.");
        md.AppendLine("- Setup: one silo in this process (localhost clustering, in-memory storage, the gateway's services: the embedded mode's configuration), one provider `bench`. Each caller loops: `AcquireAsync` (interactive), count the slot as held, yield once, un-count it, `ReleaseAsync` (one-way). The callers' peak count of held slots and the grain's own `InFlight` (sampled every 20 ms) must never exceed the limit; with at least as many callers as slots the peak must reach it; after the run every slot must be free.");
        if (!string.IsNullOrEmpty(note))
        {
            md.AppendLine(s_inv, $"- Note: {note}");
        }

        md.AppendLine();
        md.AppendLine("Issue 4's target: at least 5,000 acquire/release pairs per second through one provider in embedded mode on this 2-core machine.");
        md.AppendLine();
        md.AppendLine("| limit | callers | pairs/s | acquire p50 us | acquire p99 us | peak held (callers) | peak in flight (grain) | in flight after | refused | limit held | >= 5,000 pairs/s |");
        md.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |");
        foreach (var r in results)
        {
            md.AppendLine(s_inv, $"| {r.Limit} | {r.Callers} | {r.PairsPerSecond:0} | {r.AcquireP50Us:0} | {r.AcquireP99Us:0} | {r.PeakHeldByCallers} | {r.PeakInFlightAtGrain} | {r.InFlightAfterDrain} | {r.Refused} | {(r.LimitHeld ? "yes" : "**no**")} | {(r.PairsPerSecond >= 5000 ? "**yes**" : "**no**")} |");
        }

        return md.ToString();
    }
}
