namespace OrleansGateway.Benchmarks.Http;

/// <summary>Options of the side-by-side HTTP run.</summary>
public sealed record HttpBenchOptions(int Rounds, int Seconds, int WarmupSeconds, int TtftRequests, int Streams, string Command, string OutDir, string Note);
