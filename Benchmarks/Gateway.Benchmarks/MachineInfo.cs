using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace OrleansGateway.Benchmarks;

/// <summary>The machine a result was measured on, and how busy it was.</summary>
public static class MachineInfo
{
    public static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? "unknown" : line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    public static string DotnetVersion() => Run("dotnet", "--version").Trim();

    public static string GitCommit() => Run("git", $"-C \"{RepoPaths.Root}\" rev-parse --short HEAD").Trim()
        + (Run("git", $"-C \"{RepoPaths.Root}\" status --porcelain --untracked-files=no").Trim().Length > 0 ? " (with uncommitted changes)" : string.Empty);

    /// <summary>The processes using the most CPU right now (top, two samples a second apart), to show contention.</summary>
    public static string TopSnapshot()
    {
        var output = Run("top", "-b -n 2 -d 1 -w 160");
        var lines = output.Split('\n');
        var lastHeader = Array.FindLastIndex(lines, l => l.TrimStart().StartsWith("PID", StringComparison.Ordinal));
        if (lastHeader < 0)
        {
            return output;
        }

        var summary = lines.LastOrDefault(l => l.StartsWith("%Cpu", StringComparison.Ordinal)) ?? string.Empty;
        return summary + "\n" + string.Join('\n', lines.Skip(lastHeader).Take(9));
    }

    /// <summary>The markdown lines describing this machine; take it when the run starts, so the commit is the one measured.</summary>
    public static string Markdown(string command)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"- Command: `{command}`");
        text.AppendLine(CultureInfo.InvariantCulture, $"- Date: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC (start)");
        text.AppendLine(CultureInfo.InvariantCulture, $"- Machine: {Environment.ProcessorCount} cores (nproc), {CpuModel()}, dotnet {DotnetVersion()}, {Environment.OSVersion}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- Commit: {GitCommit()}");
        return text.ToString();
    }

    public static string Run(string file, string arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(file, arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            })!;
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return output;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return string.Empty;
        }
    }
}
