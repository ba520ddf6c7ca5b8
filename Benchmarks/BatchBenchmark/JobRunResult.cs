namespace OrleansGateway.Benchmarks.Batch;

/// <summary>What one benchmarked job measured.</summary>
internal sealed record JobRunResult(
    int Tasks,
    double RequestMegabytes,
    TimeSpan Submission,
    TimeSpan SubmitToCompleted,
    TimeSpan? StartedToCompleted,
    int CompletedCount,
    int FailedCount,
    LatencyStats StatusLatency,
    long PeakWorkingSetBytes,
    TimeSpan? ResultsStream,
    int? ResultsStreamLines,
    TimeSpan GatewayCpu)
{
    /// <summary>Each gateway process's peak resident set at the end of the job (silos first; one entry in embedded mode).</summary>
    public IReadOnlyList<(string Name, long Bytes)> PeakWorkingSets { get; init; } = [];

    /// <summary>Each gateway process's CPU time during the job (silos first; one entry in embedded mode).</summary>
    public IReadOnlyList<(string Name, TimeSpan Cpu)> CpuByProcess { get; init; } = [];

    /// <summary>The CPU time during the job of each service named with <c>--services</c> (Redis, Azurite).</summary>
    public IReadOnlyList<(string Name, TimeSpan Cpu)> ServiceCpu { get; init; } = [];
}
