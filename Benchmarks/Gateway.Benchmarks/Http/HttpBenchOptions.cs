namespace OrleansGateway.Benchmarks.Http;

/// <summary>Options of the side-by-side HTTP run; <see cref="CompareDll"/> adds a second gateway build (e.g. the commit before a change) as a fourth target, started with <see cref="CompareEnvironment"/> added to the gateway's environment; <see cref="WithTools"/> (off with <c>--no-tools</c>) measures a request with three tool definitions beside the plain one.</summary>
public sealed record HttpBenchOptions(int Rounds, int Seconds, int WarmupSeconds, int TtftRequests, int TtftWarmup, int Streams, string Command, string OutDir, string Note, string? CompareDll, IReadOnlyDictionary<string, string> CompareEnvironment, bool YarpDefault, bool WithTools = true);
