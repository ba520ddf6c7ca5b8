using System.Globalization;
using System.Text;
using OrleansGateway.Benchmarks.Batch;
using OrleansGateway.FakeProvider;

// Batch job goals (issue 5): see Benchmarks/results/batch.md for the figures and the command.
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var options = BenchmarkOptions.Parse(args);
var loadBefore = LoadAverage();
var latency = TimeSpan.FromMilliseconds(options.LatencyMilliseconds);

await using var provider = await FakeProviderServer.StartAsync();
provider.RecordRequests = false;
var padding = new string('a', Math.Max(0, options.AnswerBytes - 64));
provider.Behavior = request => FakeReply.Text(options.OpenAiLines.Count > 0 ? "ok: " + request.LastUserMessage + " " + padding : "ok: " + request.LastUserMessage) with { Delay = latency };
var results = new List<(string Name, JobRunResult Result, double Ideal, TimeSpan? Direct)>();
if (options.WarmupTasks > 0 || options.SmallTasks > 0 || options.LargeTasks > 0)
{
    await using var gateway = await GatewayProcess.StartAsync(options.GatewayDll, provider.BaseUrl, options.MaxConcurrency, options.BlobsDirectory, cluster: options.Cluster);
    await RunJobsAsync(gateway);
}

var openAi = new List<OpenAiRunResult>();
foreach (var lines in options.OpenAiLines)
{
    // A fresh gateway per batch: its peak resident set (VmHWM) is this batch's alone.
    var blobs = options.BlobsDirectory is { Length: > 0 } root ? Path.Combine(root, $"openai-{lines}-{Guid.NewGuid():N}") : null;
    try
    {
        await using var gateway = await GatewayProcess.StartAsync(options.GatewayDll, provider.BaseUrl, options.MaxConcurrency, blobs, options.GcDumpTool, options.Cluster);
        Console.WriteLine($"gateway {gateway.BaseAddress} for {lines:N0} lines, blobs {blobs ?? "in memory"}");
        var run = await new OpenAiBatchRunner(gateway).RunAsync(lines, TimeSpan.FromMilliseconds(250), TimeSpan.FromMinutes(60));
        openAi.Add(run with { BlobBytes = blobs is null ? null : DirectoryBytes(blobs), PeakLiveHeapBytes = gateway.PeakLiveHeapBytes });
        Console.WriteLine(OpenAiMarkdown(openAi[^1..], options));
    }
    finally
    {
        if (blobs is not null && Directory.Exists(blobs))
        {
            Directory.Delete(blobs, recursive: true);
        }
    }
}

if (options.OutputFile is { Length: > 0 } output)
{
    File.WriteAllText(output, (results.Count > 0 ? Markdown(results, options, args, loadBefore) : "") + (openAi.Count == 0 ? "" : OpenAiMarkdown(openAi, options) + $"\nLoad average before the run {loadBefore}, arguments `{string.Join(' ', args)}`.\n"));
    Console.WriteLine($"wrote {output}");
}

async Task RunJobsAsync(GatewayProcess gateway)
{
    var runner = new BatchJobRunner(gateway, options.Services);
    Console.WriteLine($"gateway {gateway.BaseAddress} ({Mode(options)}), fake provider {provider.BaseUrl} ({options.LatencyMilliseconds} ms), MaxConcurrency {options.MaxConcurrency}, {Environment.ProcessorCount} cores");

    // Warm-up: long enough for tiered JIT to reach optimized code, and to fill connection pools and
    // activate grain types, so the measured runs time the steady state of a running gateway.
    if (options.WarmupTasks > 0)
    {
        var warmup = await runner.RunAsync(options.WarmupTasks, TimeSpan.FromMilliseconds(50), TimeSpan.FromMinutes(5), streamResults: false);
        Console.WriteLine($"warm-up: {options.WarmupTasks:N0} tasks in {warmup.SubmitToCompleted.TotalSeconds:0.00} s, gateway CPU {warmup.GatewayCpu.TotalSeconds:0.0} s");
    }

    for (var run = 1; options.SmallTasks > 0 && run <= options.Repeat; run++)
    {
        var ideal = options.SmallTasks * latency.TotalSeconds / options.MaxConcurrency;
        // The provider driven directly with the same calls at the same concurrency, just before the job: its real pace.
        var direct = await DirectBaseline.RunAsync(provider.BaseUrl, options.SmallTasks, options.MaxConcurrency);
        var small = await runner.RunAsync(options.SmallTasks, TimeSpan.FromMilliseconds(20), TimeSpan.FromMinutes(5), streamResults: false);
        results.Add((options.Repeat > 1 ? $"{options.SmallTasks:N0} tasks, run {run}" : $"{options.SmallTasks:N0} tasks", small, ideal, direct));
        Report(results[^1]);
    }

    if (options.LargeTasks > 0)
    {
        var ideal = options.LargeTasks * latency.TotalSeconds / options.MaxConcurrency;
        var large = await runner.RunAsync(options.LargeTasks, TimeSpan.FromMilliseconds(20), TimeSpan.FromMinutes(30), streamResults: true);
        results.Add(($"{options.LargeTasks:N0} tasks", large, ideal, null));
        Report(results[^1]);
    }
}

static long DirectoryBytes(string path) =>
    Directory.Exists(path) ? new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length) : 0;

static string OpenAiMarkdown(IEnumerable<OpenAiRunResult> runs, BenchmarkOptions options)
{
    static double Mib(long bytes) => bytes / (1024.0 * 1024.0);
    var text = new StringBuilder();
    text.AppendLine("| Lines | Input file | Upload | POST /v1/batches (submit) | Submit → completed | Ideal | Ratio | Completed / failed | Output file (downloaded / `bytes`) | Output lines / distinct ids | First GET file object | Download | Blobs on disk | Gateway RSS before → peak | Peak − before | Peak live heap | Gateway CPU |");
    text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    foreach (var r in runs)
    {
        var ideal = r.Lines * options.LatencyMilliseconds / 1000.0 / options.MaxConcurrency;
        text.AppendLine(CultureInfo.InvariantCulture,
            $"| {r.Lines:N0} | {Mib(r.InputBytes):0.0} MiB | {r.Upload.TotalSeconds:0.00} s | {r.Create.TotalSeconds:0.00} s | {r.CreateToCompleted.TotalSeconds:0.00} s | {ideal:0.00} s | ×{r.CreateToCompleted.TotalSeconds / ideal:0.000} | {r.Completed} / {r.Failed} | " +
            $"{Mib(r.OutputBytes):0.0} MiB / {(r.ReportedOutputBytes == r.OutputBytes ? "equal" : $"{r.ReportedOutputBytes} (differs)")} | {r.OutputLines} / {r.DistinctCustomIds} | {r.FileObject.TotalSeconds:0.00} s | {r.Download.TotalSeconds:0.00} s | " +
            $"{(r.BlobBytes is { } blobs ? $"{Mib(blobs):0.0} MiB" : "none (memory)")} | {Mib(r.GatewayRssBeforeBytes):0} → {Mib(r.GatewayPeakRssBytes):0} MiB | {Mib(r.GatewayPeakRssBytes - r.GatewayRssBeforeBytes):0} MiB | {(r.PeakLiveHeapBytes is { } heap ? $"{Mib(heap):0} MiB" : "not read")} | {r.GatewayCpu.TotalSeconds:0.0} s |");
    }

    text.AppendLine();
    text.AppendLine(CultureInfo.InvariantCulture, $"Provider latency {options.LatencyMilliseconds} ms, answers of about {options.AnswerBytes} bytes, MaxConcurrency {options.MaxConcurrency} (ideal = lines × latency / concurrency), {Environment.ProcessorCount} cores, blobs {(options.BlobsDirectory is { Length: > 0 } d ? "under " + d : "in memory")}; each batch in a fresh gateway process.");
    return text.ToString();
}

static string Mode(BenchmarkOptions options) =>
    options.Cluster is { } cluster ? $"cluster mode, {cluster.Silos} silo process(es) and one frontend, Redis clustering, grain state and reminders in Azure Table storage (Azurite)" : "embedded mode, one process";

static string Peaks(JobRunResult r) => string.Join(", ", r.PeakWorkingSets.Select(p => $"{p.Name} {p.Bytes / (1024.0 * 1024):0} MiB"));

static string Cpu(JobRunResult r) =>
    $"{r.GatewayCpu.TotalSeconds:0.0} s ({r.GatewayCpu.TotalMilliseconds * 1000 / r.Tasks:0} µs/task)" +
    (r.CpuByProcess.Count > 1 ? ": " + string.Join(", ", r.CpuByProcess.Select(p => $"{p.Name} {p.Cpu.TotalMilliseconds * 1000 / r.Tasks:0}")) : "") +
    (r.ServiceCpu.Count > 0 ? "; outside the gateway: " + string.Join(", ", r.ServiceCpu.Select(p => $"{p.Name} {p.Cpu.TotalMilliseconds * 1000 / r.Tasks:0}")) : "");

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

static void Report((string Name, JobRunResult Result, double Ideal, TimeSpan? Direct) run)
{
    var r = run.Result;
    Console.WriteLine(($"{run.Name}: body {r.RequestMegabytes:0.0} MB, submission {r.Submission.TotalSeconds:0.00} s, submit→completed {r.SubmitToCompleted.TotalSeconds:0.00} s " +
        $"(ideal {run.Ideal:0.00} s, ×{r.SubmitToCompleted.TotalSeconds / run.Ideal:0.000}" +
        (run.Direct is { } d ? $"; provider directly {d.TotalSeconds:0.00} s, ×{r.SubmitToCompleted / d:0.000}" : "") + $"), completed {r.CompletedCount}, failed {r.FailedCount}, " +
        $"status p50 {r.StatusLatency.P50:0.0} ms p99 {r.StatusLatency.P99:0.0} ms max {r.StatusLatency.Max:0.0} ms over {r.StatusLatency.Count} polls, " +
        $"peak working set {Peaks(r)}, gateway CPU {Cpu(r)}" +
        (r.ResultsStream is { } s ? $", results stream {r.ResultsStreamLines} lines in {s.TotalSeconds:0.00} s" : "")));
}

static string Markdown(List<(string Name, JobRunResult Result, double Ideal, TimeSpan? Direct)> runs, BenchmarkOptions options, string[] args, string loadBefore)
{
    var text = new StringBuilder();
    text.AppendLine(CultureInfo.InvariantCulture, $"| Job | Body | Submission | Submit → completed | Ideal | Ratio | Provider directly | Ratio to it | Completed / failed | Status p50 / p99 / max (polls) | Peak working set per process | Gateway CPU (per process, µs/task) | Results stream |");
    text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    foreach (var (name, r, ideal, direct) in runs)
    {
        text.AppendLine(($"| {name} | {r.RequestMegabytes:0.0} MB | {r.Submission.TotalSeconds:0.00} s | {r.SubmitToCompleted.TotalSeconds:0.00} s | {ideal:0.00} s | ×{r.SubmitToCompleted.TotalSeconds / ideal:0.000} | " +
            (direct is { } d ? $"{d.TotalSeconds:0.00} s | ×{r.SubmitToCompleted / d:0.000}" : "- | -") + $" | {r.CompletedCount} / {r.FailedCount} | " +
            $"{r.StatusLatency.P50:0.0} / {r.StatusLatency.P99:0.0} / {r.StatusLatency.Max:0.0} ms ({r.StatusLatency.Count}) | {Peaks(r)} | {Cpu(r)} | " +
            (r.ResultsStream is { } s ? $"{r.ResultsStreamLines} lines in {s.TotalSeconds:0.00} s" : "-") + " |"));
    }

    var repeated = runs.Where(r => r.Name.Contains(" run ", StringComparison.Ordinal)).ToArray();
    if (repeated.Length > 1)
    {
        static double Median(double[] sorted) => (sorted[(sorted.Length - 1) / 2] + sorted[sorted.Length / 2]) / 2;
        var ratios = repeated.Select(r => r.Result.SubmitToCompleted.TotalSeconds / r.Ideal).Order().ToArray();
        var toDirect = repeated.Where(r => r.Direct is not null).Select(r => r.Result.SubmitToCompleted / r.Direct!.Value).Order().ToArray();
        text.AppendLine();
        text.AppendLine(FormattableString.Invariant($"Median over the {ratios.Length} runs of {options.SmallTasks:N0} tasks: ×{Median(ratios):0.000} of the ideal (best ×{ratios[0]:0.000}, worst ×{ratios[^1]:0.000})") +
            (toDirect.Length > 0 ? $"; ×{Median(toDirect):0.000} of the provider driven directly (best ×{toDirect[0]:0.000}, worst ×{toDirect[^1]:0.000})." : "."));
    }

    text.AppendLine();
    text.AppendLine(CultureInfo.InvariantCulture, $"Gateway: {Mode(options)}. Provider latency {options.LatencyMilliseconds} ms, MaxConcurrency {options.MaxConcurrency}, warm-up {options.WarmupTasks:N0} tasks, {Environment.ProcessorCount} cores, load average before the run {loadBefore}, arguments `{string.Join(' ', args)}`.");
    return text.ToString();
}
