using System.Diagnostics;

namespace OrleansGateway.Benchmarks.Batch;

/// <summary>
/// One process of the gateway under test (the embedded gateway, or a frontend or silo of a cluster): started with its
/// output forwarded to stderr under its name, its CPU time and its peak resident set (sampled, and the kernel's VmHWM).
/// </summary>
internal sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private long _peakSampledBytes;

    private HostProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>CPU time the process has used so far.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>The resident set now.</summary>
    public long WorkingSetBytes
    {
        get
        {
            _process.Refresh();
            return _process.WorkingSet64;
        }
    }

    /// <summary>The highest resident set seen by <see cref="SampleMemory"/> or reported by the kernel (VmHWM).</summary>
    public long PeakWorkingSetBytes => Math.Max(_peakSampledBytes, ReadKernelPeak());

    /// <summary>Starts <c>dotnet <paramref name="dll"/> --urls <paramref name="url"/></c> in the dll's folder (its content root) with <paramref name="environment"/> added.</summary>
    public static HostProcess Start(string name, string dll, string url, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(dll))!,
        };
        start.ArgumentList.Add(Path.GetFullPath(dll));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(url);
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"The {name} process did not start.");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine($"[{name}] {e.Data}"); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine($"[{name}] {e.Data}"); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new HostProcess(name, process);
    }

    /// <summary>Records the current resident set if it is the highest so far.</summary>
    public void SampleMemory()
    {
        _process.Refresh();
        _peakSampledBytes = Math.Max(_peakSampledBytes, _process.WorkingSet64);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private long ReadKernelPeak()
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }

        return 0;
    }
}
