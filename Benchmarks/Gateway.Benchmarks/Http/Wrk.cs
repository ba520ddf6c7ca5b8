using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace OrleansGateway.Benchmarks.Http;

/// <summary>Runs wrk (Debian's package) with a Lua script that POSTs a JSON body and prints its latency distribution as JSON.</summary>
public static class Wrk
{
    /// <summary>Writes the Lua script that POSTs <paramref name="body"/> and reports in <c>done</c>.</summary>
    public static string WriteScript(string directory, string name, string body)
    {
        var path = Path.Combine(directory, name + ".lua");
        var script = new StringBuilder();
        script.AppendLine("wrk.method = \"POST\"");
        script.AppendLine("wrk.headers[\"Content-Type\"] = \"application/json\"");
        script.AppendLine(CultureInfo.InvariantCulture, $"wrk.body = [=[{body}]=]");
        script.AppendLine("""
            done = function(summary, latency, requests)
              local e = summary.errors
              io.write(string.format(
                "WRKJSON {\"requests\":%d,\"duration_us\":%d,\"connect\":%d,\"read\":%d,\"write\":%d,\"status\":%d,\"timeout\":%d," ..
                "\"mean\":%.1f,\"p50\":%.1f,\"p90\":%.1f,\"p99\":%.1f,\"p999\":%.1f,\"max\":%.1f}\n",
                summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
                latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max))
            end
            """);
        File.WriteAllText(path, script.ToString());
        return path;
    }

    /// <summary>Runs wrk for <paramref name="duration"/> at <paramref name="connections"/> connections.</summary>
    public static async Task<WrkResult> RunAsync(string url, string script, int connections, TimeSpan duration)
    {
        var threads = Math.Max(1, Math.Min(connections, Environment.ProcessorCount));
        var start = new ProcessStartInfo("wrk")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     "-t", threads.ToString(CultureInfo.InvariantCulture), "-c", connections.ToString(CultureInfo.InvariantCulture),
                     "-d", $"{(int)duration.TotalSeconds}s", "--timeout", "5s", "--latency", "-s", script, url,
                 })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start wrk");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var text = await output;
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith("WRKJSON ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"wrk printed no result (exit {process.ExitCode}):\n{text}\n{await error}");
        using var json = JsonDocument.Parse(line["WRKJSON ".Length..]);
        var r = json.RootElement;
        double D(string name) => r.GetProperty(name).GetDouble();
        long L(string name) => r.GetProperty(name).GetInt64();
        return new WrkResult(
            Requests: L("requests"),
            Seconds: D("duration_us") / 1e6,
            SocketErrors: L("connect") + L("read") + L("write") + L("timeout"),
            NonSuccess: L("status"),
            MeanUs: D("mean"),
            P50Us: D("p50"),
            P90Us: D("p90"),
            P99Us: D("p99"),
            P999Us: D("p999"),
            MaxUs: D("max"));
    }
}
