using System.Diagnostics;
using System.Globalization;

namespace OrleansGateway.Benchmarks.Batch;

/// <summary>
/// Processes the gateway depends on but the benchmark did not start (Redis, Azurite in cluster mode), named on the command
/// line as <c>--services "azurite=PID redis=PID"</c>: their CPU time, so a job's cost outside the
/// gateway's own processes shows too.
/// </summary>
internal sealed class ServiceProcesses(IReadOnlyList<(string Name, int Pid)> processes)
{
    public static ServiceProcesses Parse(string? text) => new(
        [.. (text ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Select(pair => (pair[0], int.Parse(pair[1], CultureInfo.InvariantCulture)))]);

    /// <summary>Each service's CPU time so far (zero for one that has gone).</summary>
    public IReadOnlyList<(string Name, TimeSpan Cpu)> CpuTimes => [.. processes.Select(p => (p.Name, Read(p.Pid)))];

    private static TimeSpan Read(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.TotalProcessorTime;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return TimeSpan.Zero;
        }
    }
}
