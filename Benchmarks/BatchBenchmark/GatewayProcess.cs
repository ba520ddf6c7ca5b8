using System.Diagnostics;
using System.Net;

namespace OrleansGateway.Benchmarks.Batch;

/// <summary>
/// The gateway under test as processes of their own, so their memory and CPU are measured apart from the benchmark's:
/// the embedded gateway (frontend with its silo), or with <see cref="ClusterSettings"/> a cluster of silo processes and
/// one frontend. Every process is configured with one provider <c>fake</c> at the given URL.
/// </summary>
internal sealed class GatewayProcess : IAsyncDisposable
{
    private readonly IReadOnlyList<HostProcess> _processes;
    private readonly HostProcess _frontend;
    private long? _peakLiveHeapBytes;

    private GatewayProcess(IReadOnlyList<HostProcess> processes, Uri baseAddress)
    {
        _processes = processes;
        _frontend = processes[^1];
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

    /// <summary>The highest resident set of the process that answers HTTP (the embedded gateway, or the cluster's frontend).</summary>
    public long PeakWorkingSetBytes => _frontend.PeakWorkingSetBytes;

    /// <summary>Each process's name and highest resident set so far, silos first.</summary>
    public IReadOnlyList<(string Name, long Bytes)> PeakWorkingSets => [.. _processes.Select(p => (p.Name, p.PeakWorkingSetBytes))];

    /// <summary>Each process's name and CPU time so far, silos first.</summary>
    public IReadOnlyList<(string Name, TimeSpan Cpu)> CpuTimes => [.. _processes.Select(p => (p.Name, p.CpuTime))];

    /// <summary>
    /// Starts the gateway; <paramref name="blobsDirectory"/> set keeps its blobs (files, task inputs and results) there instead
    /// of in memory; <paramref name="cluster"/> set starts its silos and a frontend instead of the embedded gateway.
    /// </summary>
    public static async Task<GatewayProcess> StartAsync(
        string gatewayDll, string providerBaseUrl, int maxConcurrency, string? blobsDirectory = null, string? gcDumpTool = null, ClusterSettings? cluster = null)
    {
        var common = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["Gateway__Providers__fake__BaseUrl"] = providerBaseUrl,
            ["Gateway__Providers__fake__ApiKey"] = "fake-key",
            ["Gateway__Providers__fake__Models__0"] = "fake-model",
            ["Gateway__Providers__fake__MaxConcurrency"] = maxConcurrency.ToString(),
            ["Gateway__Providers__fake__CircuitFailureThreshold"] = "100000",
            ["Logging__LogLevel__Default"] = "Warning",
            ["SECRET_TOKEN"] = "",
            ["API_KEYS"] = "",
        };
        if (blobsDirectory is { Length: > 0 })
        {
            common["Gateway__Blobs__Directory"] = blobsDirectory;
        }

        var processes = new List<HostProcess>();
        try
        {
            if (cluster is null)
            {
                common["Orleans__Endpoints__SiloPort"] = FreePorts.Next().ToString();
                common["Orleans__Endpoints__GatewayPort"] = FreePorts.Next().ToString();
            }
            else
            {
                common["ConnectionStrings__redis"] = cluster.Redis;
                common["ConnectionStrings__tables"] = cluster.Tables;
                common["Orleans__ClusterId"] = $"batch-bench-{Guid.NewGuid():N}";
                common["Orleans__ServiceId"] = "batch-bench";
                common["Orleans__Endpoints__AdvertisedIPAddress"] = "127.0.0.1";
                for (var i = 1; i <= cluster.Silos; i++)
                {
                    var silo = new Dictionary<string, string>(common)
                    {
                        ["Orleans__Endpoints__SiloPort"] = FreePorts.Next().ToString(),
                        ["Orleans__Endpoints__GatewayPort"] = FreePorts.Next().ToString(),
                    };
                    var siloUrl = new Uri($"http://127.0.0.1:{FreePorts.Next()}");
                    processes.Add(HostProcess.Start($"silo {i}", cluster.SiloDll, siloUrl.ToString().TrimEnd('/'), silo));
                    await WaitHealthyAsync(processes[^1], siloUrl, TimeSpan.FromSeconds(90));
                }
            }

            var url = new Uri($"http://127.0.0.1:{FreePorts.Next()}");
            processes.Add(HostProcess.Start(cluster is null ? "gateway" : "frontend", gatewayDll, url.ToString().TrimEnd('/'), common));
            await WaitHealthyAsync(processes[^1], url, TimeSpan.FromSeconds(90));
            return new GatewayProcess(processes, url) { GcDumpTool = gcDumpTool };
        }
        catch
        {
            foreach (var process in processes)
            {
                await process.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>CPU time all the gateway's processes have used so far.</summary>
    public TimeSpan CpuTime => _processes.Aggregate(TimeSpan.Zero, (sum, p) => sum + p.CpuTime);

    /// <summary>The resident set of the process that answers HTTP now.</summary>
    public long WorkingSetBytes => _frontend.WorkingSetBytes;

    /// <summary>Records each process's current resident set if it is its highest so far.</summary>
    public void SampleMemory()
    {
        foreach (var process in _processes)
        {
            process.SampleMemory();
        }
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
        start.ArgumentList.Add(_frontend.Id.ToString());
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
        // The frontend first, then the silos.
        foreach (var process in _processes.Reverse())
        {
            await process.DisposeAsync();
        }
    }

    private static async Task WaitHealthyAsync(HostProcess process, Uri baseAddress, TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The {process.Name} exited with code {process.ExitCode}.");
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

        throw new TimeoutException($"The {process.Name} did not become healthy in time.");
    }
}
