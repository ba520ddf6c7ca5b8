using System.Globalization;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace OrleansGateway.AllocationSummary;

/// <summary>
/// Where a process's allocations come from: reads a dotnet-trace file recorded with the runtime's
/// allocation sampling (<c>--providers Microsoft-Windows-DotNETRuntime:0x1:5</c>: a GC AllocationTick
/// event with its stack about every 100 KB allocated) and prints the sampled bytes by type and by
/// allocating stack. Used by <c>ALLOC=1 bash scripts/bench-profile.sh</c>.
/// <c>dotnet OrleansGateway.AllocationSummary.dll trace.nettrace [top=30] [frames=7]</c>.
/// </summary>
internal static class AllocationSummaryProgram
{
    public static int Main(string[] args)
    {
        if (args.Length < 1 || !File.Exists(args[0]))
        {
            Console.Error.WriteLine("usage: OrleansGateway.AllocationSummary <trace.nettrace> [top=30] [frames=7]");
            return 2;
        }

        var top = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 30;
        var frames = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 7;
        var byType = new Dictionary<string, long>(StringComparer.Ordinal);
        var byStack = new Dictionary<string, long>(StringComparer.Ordinal);
        long total = 0;

        using var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(args[0]));
        foreach (var data in log.Events)
        {
            if (data is not GCAllocationTickTraceData tick)
            {
                continue;
            }

            var type = tick.TypeName ?? "?";
            total += tick.AllocationAmount64;
            byType[type] = byType.GetValueOrDefault(type) + tick.AllocationAmount64;
            var stack = string.Join(Environment.NewLine + "        ", Frames(data.CallStack()).Take(frames));
            var key = type + Environment.NewLine + "        " + stack;
            byStack[key] = byStack.GetValueOrDefault(key) + tick.AllocationAmount64;
        }

        if (total == 0)
        {
            Console.WriteLine("no allocation samples in the trace");
            return 1;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sampled allocations: {total / 1e6:0.0} MB"));
        Console.WriteLine("by type:");
        foreach (var (type, bytes) in byType.OrderByDescending(p => p.Value).Take(top))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {100.0 * bytes / total,5:0.0}%  {type}"));
        }

        Console.WriteLine("by allocating stack (innermost frame first):");
        foreach (var (stack, bytes) in byStack.OrderByDescending(p => p.Value).Take(top))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {100.0 * bytes / total,5:0.0}%  {stack}"));
        }

        return 0;
    }

    private static IEnumerable<string> Frames(TraceCallStack? stack)
    {
        for (; stack is not null; stack = stack.Caller)
        {
            var name = stack.CodeAddress.FullMethodName;
            if (!string.IsNullOrEmpty(name))
            {
                yield return name.Length > 140 ? name[..140] : name;
            }
        }
    }
}
