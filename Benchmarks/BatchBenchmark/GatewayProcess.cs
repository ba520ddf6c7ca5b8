using System.Diagnostics;
using System.Net;

namespace OrleansGateway.Benchmarks.Batch;

/// <summary>
/// The embedded gateway (frontend with its silo) as its own process, configured with one provider
/// <c>fake</c> at the given URL, so its memory is measured apart from the benchmark's.
/// </summary>
internal sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private long _peakSampledBytes;
    private long? _peakLiveHeapBytes;

    private GatewayProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>An HTTP client of the gateway (at most 4 connections) whose requests time out after <paramref name="timeout"/>.</summary>
    public HttpClient CreateClient(TimeSpan timeout) => new(new SocketsHttpHandler { MaxConnectionsPerServer = 4 })
    {
        BaseAddress = BaseAddress,
        Timeout = timeout,
    };

    /// <summary>The <c>dotnet-gcdump</c> executable that <see cref="SampleLiveHeapAsync"/> runs; null takes no heap readings.</summary>
    public string? GcDumpTool { get; init; }

    /// <summary>The largest live managed heap <see cref="SampleLiveHeapAsync"/> read (after the full collection a heap dump makes), or null when none was read.</summary>
    public long? PeakLiveHeapBytes => _peakLiveHeapBytes;

    /// <summary>The highest resident set seen by <see cref="SampleMemory"/> or reported by the kernel (VmHWM).</summary>
    public long PeakWorkingSetBytes => Math.Max(_peakSampledBytes, ReadKernelPeak());

    /// <summary>Starts the gateway; <paramref name="blobsDirectory"/> set keeps its blobs (files, task inputs and results) there instead of in memory.</summary>
    public static async Task<GatewayProcess> StartAsync(string gatewayDll, string providerBaseUrl, int maxConcurrency, string? blobsDirectory = null, string? gcDumpTool = null)
    {
        var port = FreePorts.Next();
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(gatewayDll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        var environment = start.Environment;
        environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        environment["Orleans__Endpoints__SiloPort"] = FreePorts.Next().ToString();
        environment["Orleans__Endpoints__GatewayPort"] = FreePorts.Next().ToString();
        environment["Gateway__Providers__fake__BaseUrl"] = providerBaseUrl;
        environment["Gateway__Providers__fake__ApiKey"] = "fake-key";
        environment["Gateway__Providers__fake__Models__0"] = "fake-model";
        environment["Gateway__Providers__fake__MaxConcurrency"] = maxConcurrency.ToString();
        environment["Gateway__Providers__fake__CircuitFailureThreshold"] = "100000";
        environment["Logging__LogLevel__Default"] = "Warning";
        environment["SECRET_TOKEN"] = "";
        environment["API_KEYS"] = "";
        if (blobsDirectory is { Length: > 0 })
        {
            environment["Gateway__Blobs__Directory"] = blobsDirectory;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The gateway process did not start.");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine("[gateway] " + e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine("[gateway] " + e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var gateway = new GatewayProcess(process, new Uri($"http://127.0.0.1:{port}")) { GcDumpTool = gcDumpTool };
        await gateway.WaitHealthyAsync(TimeSpan.FromSeconds(60));
        return gateway;
    }

    /// <summary>CPU time the gateway process has used so far.</summary>
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

    /// <summary>Records the current resident set if it is the highest so far.</summary>
    public void SampleMemory()
    {
        _process.Refresh();
        _peakSampledBytes = Math.Max(_peakSampledBytes, _process.WorkingSet64);
    }

    /// <summary>
    /// Reads the gateway's live managed heap with <c>dotnet-gcdump report -p</c> (which collects fully first, so it is what
    /// is reachable, not what the collector has yet to reclaim) and keeps the largest; nothing without <see cref="GcDumpTool"/>.
    /// </summary>
    public async Task SampleLiveHeapAsync()
    {
        if (GcDumpTool is not { Length: > 0 } tool)
        {
            return;
        }

        var start = new ProcessStartInfo(tool) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("report");
        start.ArgumentList.Add("-p");
        start.ArgumentList.Add(_process.Id.ToString());
        using var report = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
        var output = await report.StandardOutput.ReadToEndAsync();
        await report.WaitForExitAsync();
        foreach (var line in output.Split('\n'))
        {
            var text = line.Trim();
            if (text.EndsWith("GC Heap bytes", StringComparison.Ordinal) && long.TryParse(text.Split(' ')[0].Replace(",", ""), out var bytes))
            {
                _peakLiveHeapBytes = Math.Max(_peakLiveHeapBytes ?? 0, bytes);
                return;
            }
        }

        Console.Error.WriteLine($"dotnet-gcdump report gave no heap size: {output}");
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

    private async Task WaitHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The gateway exited with code {_process.ExitCode}.");
            }

            try
            {
                var response = await http.GetAsync("/health");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("The gateway did not become healthy in time.");
    }
}
