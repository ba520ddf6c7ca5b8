using OrleansGateway.Benchmarks.FirstToken;
using OrleansGateway.Benchmarks.Http;
using OrleansGateway.Benchmarks.Limiter;
using OrleansGateway.Benchmarks.Micro;

namespace OrleansGateway.Benchmarks;

/// <summary>
/// Entry point of the benchmarks (not tests: nothing here runs under <c>dotnet test</c>).
/// <c>http</c>: provider direct vs YARP vs gateway with wrk; <c>limiter</c>: ProviderGrain
/// acquire/release pairs per second; <c>micro</c>: BenchmarkDotNet on the hot path; <c>first-token</c>:
/// time to first token through the <c>OpenAI</c> package's typed and protocol methods and a plain client.
/// </summary>
internal static class BenchmarkProgram
{
    public static async Task<int> Main(string[] args)
    {
        var command = args.Length > 0 ? args[0] : "help";
        var rest = args.Skip(1).ToArray();
        switch (command)
        {
            case "http":
                return await HttpBench.RunAsync(new CommandLine(rest));
            case "limiter":
                return await LimiterBench.RunAsync(new CommandLine(rest));
            case "micro":
                return MicroBenchmarks.Run(rest);
            case "first-token":
                return await FirstTokenBench.RunAsync(new CommandLine(rest));
            default:
                Console.WriteLine("""
                    usage: OrleansGateway.Benchmarks <command> [options]
                      http     [--rounds 5] [--seconds 10] [--warmup 5] [--ttft-requests 500] [--ttft-warmup 1500] [--streams 1000] [--out Benchmarks/results]
                               [--note text] [--compare-dll path/to/another/OrleansGateway.Frontend.dll] [--compare-env KEY=VALUE,...] [--yarp-default]
                               provider called directly vs YARP pass-through vs gateway (embedded), wrk load, alternating rounds
                      limiter  [--seconds 10] [--limit 16] [--out Benchmarks/results]
                               IProviderGrain acquire/release pairs per second in an in-process silo
                      micro    [BenchmarkDotNet arguments, e.g. --filter *]
                               hot-path micro-benchmarks (short runs)
                      first-token [--rounds 5] [--requests 400] [--warmup 500] [--out Benchmarks/results]
                               time to first token from the fake provider: OpenAI typed vs protocol method vs plain HttpClient
                    """);
                return command == "help" ? 0 : 2;
        }
    }
}
