using System.Globalization;

namespace OrleansGateway.Benchmarks;

/// <summary>
/// CPU time of every process and of the whole machine at one moment (from <c>/proc</c>), so a
/// measured window can say how much CPU each server used and how much other processes
/// (other developers' builds and tests) took from the machine meanwhile.
/// </summary>
public sealed class CpuSnapshot
{
    private const double TicksPerSecond = 100.0;

    private CpuSnapshot(DateTimeOffset at, long machineBusy, long machineTotal, Dictionary<int, (string Comm, long Ticks)> processes)
    {
        At = at;
        MachineBusy = machineBusy;
        MachineTotal = machineTotal;
        Processes = processes;
    }

    public DateTimeOffset At { get; }

    public long MachineBusy { get; }

    public long MachineTotal { get; }

    public IReadOnlyDictionary<int, (string Comm, long Ticks)> Processes { get; }

    public static CpuSnapshot Take()
    {
        long busy = 0, total = 0;
        try
        {
            var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            total = cpu.Take(8).Sum();
            busy = total - cpu[3] - cpu[4];
        }
        catch (IOException)
        {
        }

        var processes = new Dictionary<int, (string, long)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            if (ReadProcess(pid) is { } entry)
            {
                processes[pid] = entry;
            }
        }

        return new CpuSnapshot(DateTimeOffset.UtcNow, busy, total, processes);
    }

    /// <summary>CPU seconds one process used between two snapshots.</summary>
    public static double ProcessSeconds(CpuSnapshot start, CpuSnapshot end, int pid) =>
        end.Processes.TryGetValue(pid, out var e) ? (e.Ticks - (start.Processes.TryGetValue(pid, out var s) ? s.Ticks : 0)) / TicksPerSecond : 0;

    /// <summary>Cores' worth of CPU used by processes other than <paramref name="ours"/> and wrk between two snapshots.</summary>
    public static double OtherCores(CpuSnapshot start, CpuSnapshot end, IReadOnlySet<int> ours)
    {
        long ticks = 0;
        foreach (var (pid, (comm, endTicks)) in end.Processes)
        {
            if (ours.Contains(pid) || comm == "wrk" || pid == Environment.ProcessId)
            {
                continue;
            }

            ticks += endTicks - (start.Processes.TryGetValue(pid, out var s) ? s.Ticks : 0);
        }

        var seconds = (end.At - start.At).TotalSeconds;
        return seconds <= 0 ? 0 : ticks / TicksPerSecond / seconds;
    }

    /// <summary>Cores' worth of CPU the whole machine used between two snapshots.</summary>
    public static double MachineCores(CpuSnapshot start, CpuSnapshot end)
    {
        var total = end.MachineTotal - start.MachineTotal;
        return total <= 0 ? 0 : (double)(end.MachineBusy - start.MachineBusy) / total * Environment.ProcessorCount;
    }

    private static (string, long)? ReadProcess(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var open = stat.IndexOf('(');
            var close = stat.LastIndexOf(')');
            var comm = stat[(open + 1)..close];
            var fields = stat[(close + 2)..].Split(' ');
            // After the command: state is field 3; utime and stime are fields 14 and 15.
            return (comm, long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
