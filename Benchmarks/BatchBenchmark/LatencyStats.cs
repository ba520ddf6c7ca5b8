namespace OrleansGateway.Benchmarks.Batch;

/// <summary>Percentiles of a set of latencies in milliseconds.</summary>
internal sealed record LatencyStats(int Count, double P50, double P99, double Max)
{
    public static LatencyStats From(IReadOnlyCollection<double> milliseconds)
    {
        if (milliseconds.Count == 0)
        {
            return new LatencyStats(0, 0, 0, 0);
        }

        var sorted = milliseconds.Order().ToArray();
        double At(double quantile) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1)];
        return new LatencyStats(sorted.Length, At(0.50), At(0.99), sorted[^1]);
    }
}
