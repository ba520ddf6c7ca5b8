using System.Globalization;

namespace OrleansGateway.FakeProvider;

/// <summary>
/// A standalone fake provider for benchmarks and cluster runs:
/// <c>dotnet run --project Tests/FakeProvider -- --urls http://127.0.0.1:9100 --latency-ms 50 --chunks 20 --chunk-delay-ms 10</c>.
/// </summary>
internal static class FakeProviderProgram
{
    public static async Task Main(string[] args)
    {
        var url = Arg(args, "--urls", "http://127.0.0.1:9100");
        var latency = TimeSpan.FromMilliseconds(double.Parse(Arg(args, "--latency-ms", "0"), CultureInfo.InvariantCulture));
        var chunkCount = int.Parse(Arg(args, "--chunks", "16"), CultureInfo.InvariantCulture);
        var chunkDelay = TimeSpan.FromMilliseconds(double.Parse(Arg(args, "--chunk-delay-ms", "0"), CultureInfo.InvariantCulture));
        var chunks = Enumerable.Range(0, chunkCount).Select(i => $"word{i} ").ToArray();
        var content = string.Concat(chunks);

        await using var server = await FakeProviderServer.StartAsync(url);
        server.RecordRequests = false;
        server.Behavior = _ => new FakeReply { Content = content, Chunks = chunks, Delay = latency, ChunkDelay = chunkDelay };
        Console.WriteLine($"fake provider listening at {server.BaseUrl}");
        await server.WaitForShutdownAsync();
    }

    private static string Arg(string[] args, string name, string fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
    }
}
