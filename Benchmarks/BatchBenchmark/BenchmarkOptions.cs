using System.Globalization;

namespace OrleansGateway.Benchmarks.Batch;

/// <summary>
/// The benchmark's command line: <c>--warmup 20000 --small 10000 --large 100000 --latency-ms 50 --concurrency 64 --gateway path --out file</c>,
/// and <c>--openai 50000</c> (default none) for an OpenAI batch of that many lines through <c>/v1/files</c> and <c>/v1/batches</c>
/// with answers of <c>--answer-bytes</c> (default 1024); <c>--openai 10000,50000</c> runs one batch of each size, each in a
/// fresh gateway process (so each peak resident set is that batch's alone). <c>--blobs-dir path</c> (default none: memory)
/// sets the gateway's <c>Gateway:Blobs:Directory</c>, so file contents and task blobs are on disk, not in the process.
/// <c>--gcdump path/to/dotnet-gcdump</c> (default none) also reads the gateway's live managed heap at four points of each
/// OpenAI batch (each reading is a full collection and a heap walk, so that run's times are not comparable).
/// <c>--repeat N</c> (default 1) runs the <c>--small</c> job N times on the same gateway. <c>--silos N</c> with
/// <c>--redis</c> and <c>--tables</c> (connection strings) runs the gateway in cluster mode instead: N silo processes
/// (<c>--silo</c> path, default the Silo built next to this benchmark) and one frontend; <c>--services "azurite=PID redis=PID"</c>
/// also reports those processes' CPU time during each job.
/// </summary>
internal sealed record BenchmarkOptions(
    int WarmupTasks,
    int SmallTasks,
    int LargeTasks,
    int LatencyMilliseconds,
    int MaxConcurrency,
    string GatewayDll,
    string? OutputFile,
    IReadOnlyList<int> OpenAiLines,
    int AnswerBytes,
    string? BlobsDirectory,
    string? GcDumpTool,
    int Repeat,
    ClusterSettings? Cluster,
    ServiceProcesses Services)
{
    public static BenchmarkOptions Parse(string[] args)
    {
        string Arg(string name, string fallback)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
        }

        int IntArg(string name, int fallback) => int.Parse(Arg(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

        return new BenchmarkOptions(
            IntArg("--warmup", 20_000),
            IntArg("--small", 10_000),
            IntArg("--large", 100_000),
            IntArg("--latency-ms", 50),
            IntArg("--concurrency", 64),
            Arg("--gateway", FindGatewayDll()),
            args.Contains("--out") ? Arg("--out", "") : null,
            [.. Arg("--openai", "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(n => int.Parse(n, CultureInfo.InvariantCulture)).Where(n => n > 0)],
            IntArg("--answer-bytes", 1024),
            args.Contains("--blobs-dir") ? Arg("--blobs-dir", "") : null,
            args.Contains("--gcdump") ? Arg("--gcdump", "") : null,
            Math.Max(1, IntArg("--repeat", 1)),
            IntArg("--silos", 0) is > 0 and var silos
                ? new ClusterSettings(silos, Arg("--silo", FindHostDll("Silo", "OrleansGateway.Silo.dll")), Required("--redis"), Required("--tables"))
                : null,
            ServiceProcesses.Parse(args.Contains("--services") ? Arg("--services", "") : null));

        string Required(string name) => Arg(name, "") is { Length: > 0 } value ? value : throw new ArgumentException($"{name} is required with --silos.");
    }

    /// <summary>The frontend built next to this benchmark (same configuration), found from the repository root.</summary>
    private static string FindGatewayDll() => FindHostDll("Frontend", "OrleansGateway.Frontend.dll");

    /// <summary>A host (<paramref name="project"/>) built next to this benchmark (same configuration), found from the repository root.</summary>
    private static string FindHostDll(string project, string dll)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, project, "bin", configuration, "net10.0", dll);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"{dll} not found; build the solution or pass its path.");
    }
}
