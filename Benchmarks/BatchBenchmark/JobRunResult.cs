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
    TimeSpan GatewayCpu);
