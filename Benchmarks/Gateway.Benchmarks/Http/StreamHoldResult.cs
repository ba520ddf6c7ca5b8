namespace OrleansGateway.Benchmarks.Http;

/// <summary>Many concurrent streams through one target: how many were open at once, errors and the server's memory.</summary>
public sealed record StreamHoldResult(
    string Target,
    int Requested,
    int PeakOpen,
    int Succeeded,
    int Failed,
    long RssBeforeBytes,
    long RssPeakBytes,
    double Seconds,
    string? FirstFailure)
{
    public double ExtraMegabytes => (RssPeakBytes - RssBeforeBytes) / 1024.0 / 1024.0;
}
