using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace OrleansGateway.Benchmarks.Http;

/// <summary>A server the benchmark started (<c>dotnet some.dll</c>, or <c>node some.mjs</c> for a script); stopped by its own process id when disposed.</summary>
public sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _tail = new();

    private ServerProcess(string name, string baseUrl, Process process)
    {
        Name = name;
        BaseUrl = baseUrl;
        _process = process;
    }

    public string Name { get; }

    /// <summary>e.g. <c>http://127.0.0.1:9100</c>.</summary>
    public string BaseUrl { get; }

    public int Pid => _process.Id;

    /// <summary>The last lines it printed, for diagnosing a failed start.</summary>
    public string Tail => string.Join('\n', _tail);

    public static ServerProcess Start(string name, string dll, int port, IEnumerable<string> extraArgs, IReadOnlyDictionary<string, string> environment)
    {
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{dll} is missing: build the solution in Release first (scripts/bench.sh does).", dll);
        }

        var baseUrl = $"http://127.0.0.1:{port}";
        var start = new ProcessStartInfo(dll.EndsWith(".mjs", StringComparison.Ordinal) ? "node" : "dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(baseUrl);
        foreach (var arg in extraArgs)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {name}");
        var server = new ServerProcess(name, baseUrl, process);
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>Polls <paramref name="path"/> until it answers 2xx.</summary>
    public async Task WaitReadyAsync(HttpClient http, string path, TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode}:\n{Tail}");
            }

            try
            {
                using var response = await http.GetAsync(BaseUrl + path);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"{Name} did not answer {path} within {timeout}:\n{Tail}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Resident memory now, in bytes (from <c>/proc/PID/status</c>).</summary>
    public long RssBytes()
    {
        try
        {
            var line = File.ReadLines($"/proc/{Pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: false);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _tail.Enqueue(line);
        while (_tail.Count > 40)
        {
            _tail.TryDequeue(out _);
        }
    }
}
