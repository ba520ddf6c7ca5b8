namespace OrleansGateway.Benchmarks.Limiter;

/// <summary>The figures of one limiter scenario.</summary>
public sealed record LimiterScenario(
    int Limit,
    int Callers,
    double Seconds,
    long Pairs,
    long Refused,
    int PeakHeldByCallers,
    int PeakInFlightAtGrain,
    int InFlightAfterDrain,
    double AcquireP50Us,
    double AcquireP99Us)
{
    public double PairsPerSecond => Pairs / Seconds;

    /// <summary>No more slots were ever held than the limit, and every slot was free again after the run.</summary>
    public bool LimitHeld => PeakHeldByCallers <= Limit && PeakInFlightAtGrain <= Limit && InFlightAfterDrain == 0;
}
