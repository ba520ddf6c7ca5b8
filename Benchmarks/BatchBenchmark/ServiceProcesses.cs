using System.Globalization;

namespace OrleansGateway.Benchmarks.Batch;

/// <summary>
/// Processes the gateway depends on but the benchmark did not start (Redis, Azurite in cluster mode), named on the command
/// line as <c>--services "azurite=PID redis=PID"</c>: their CPU time from <c>/proc</c>, so a job's cost outside the
/// gateway's own processes shows too.
/// </summary>
internal sealed class ServiceProcesses(IReadOnlyList<(string Name, int Pid)> processes)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

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
            // Fields after the command name (which may hold spaces, so split after its closing parenthesis): utime is the 14th field, stime the 15th.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds(ticks / TicksPerSecond);
        }
        catch (IOException)
        {
            return TimeSpan.Zero;
        }
    }
}
