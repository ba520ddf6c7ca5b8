namespace OrleansGateway.Benchmarks.Http;

/// <summary>One wrk run: counts, errors and the latency distribution (microseconds).</summary>
public sealed record WrkResult(
    long Requests,
    double Seconds,
    long SocketErrors,
    long NonSuccess,
    double MeanUs,
    double P50Us,
    double P90Us,
    double P99Us,
    double P999Us,
    double MaxUs)
{
    public double RequestsPerSecond => Seconds > 0 ? Requests / Seconds : 0;

    public long Errors => SocketErrors + NonSuccess;
}
