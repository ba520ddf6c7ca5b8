using System.Text;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace OrleansGateway.Benchmarks.Micro;

/// <summary>
/// Runs the hot-path micro-benchmarks with BenchmarkDotNet: short runs (ShortRun: 3 warm-ups,
/// 3 iterations) in this process, with the memory diagnoser, and writes one Markdown file.
/// </summary>
public static class MicroBenchmarks
{
    public static int Run(string[] args)
    {
        var command = new CommandLine(args);
        var outDir = command.Get("--out", RepoPaths.ResultsDir);
        var bdnArgs = StripOwn(args);
        if (!bdnArgs.Contains("--filter"))
        {
            bdnArgs = [.. bdnArgs, "--filter", "*"];
        }

        var started = DateTimeOffset.UtcNow;
        var load = MachineInfo.LoadAverage();
        var header = MachineInfo.Markdown(command.Get("--command", "dotnet OrleansGateway.Benchmarks.dll micro " + string.Join(' ', args)));
        var config = DefaultConfig.Instance
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
            .AddDiagnoser(MemoryDiagnoser.Default)
            .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "gw-bench-bdn"))
            .WithOptions(ConfigOptions.DisableLogFile);
        var summaries = BenchmarkSwitcher.FromTypes(
            [typeof(RequestParsingBenchmarks), typeof(ResponseEncodingBenchmarks), typeof(SseEncodingBenchmarks), typeof(ProviderCallBenchmarks), typeof(GrainCallBenchmarks), typeof(KeyPathBenchmarks)])
            .Run(bdnArgs, config)
            .ToArray();

        var md = new StringBuilder();
        md.AppendLine($"# Hot-path micro-benchmarks ({started:yyyy-MM-dd HH:mm} UTC)");
        md.AppendLine();
        md.Append(header);
        md.AppendLine($"- Contention: load average {load} at the start (other developers' builds and tests share the 2 cores).");
        md.AppendLine("- BenchmarkDotNet 0.15.8, ShortRun (3 warm-ups, 3 iterations, 1 launch), in-process toolchain, MemoryDiagnoser.");
        md.AppendLine();
        foreach (var summary in summaries)
        {
            using var writer = new StringWriter();
            var logger = new TextLogger(writer);
            MarkdownExporter.GitHub.ExportToLog(summary, logger);
            md.AppendLine(writer.ToString());
        }

        Directory.CreateDirectory(outDir);
        var path = Path.Combine(outDir, $"{started:yyyy-MM-dd-HHmm}-micro.md");
        File.WriteAllText(path, md.ToString());
        Console.WriteLine($"results: {path}");
        return summaries.Any(s => s.HasCriticalValidationErrors) ? 1 : 0;
    }

    private static string[] StripOwn(string[] args)
    {
        var result = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "--out" or "--command")
            {
                i++;
                continue;
            }

            result.Add(args[i]);
        }

        return [.. result];
    }
}
