namespace OrleansGateway.Benchmarks.Http;

/// <summary>One wrk run of one target in one round, with the CPU the servers and other processes used meanwhile.</summary>
public sealed record WrkRun(
    int Round,
    int Connections,
    string Target,
    WrkResult Result,
    double TargetCpuSeconds,
    double ProviderCpuSeconds,
    double OtherCores,
    double MachineCores)
{
    /// <summary>CPU microseconds the measured server (provider, proxy or gateway) spent per request.</summary>
    public double TargetCpuUsPerRequest => Result.Requests > 0 ? TargetCpuSeconds * 1e6 / Result.Requests : double.NaN;
}
