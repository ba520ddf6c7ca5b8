namespace OrleansGateway.Benchmarks.Batch;

/// <summary>What one benchmarked OpenAI batch (<c>/v1/files</c> + <c>/v1/batches</c>) measured.</summary>
internal sealed record OpenAiRunResult(
    int Lines,
    long InputBytes,
    TimeSpan Upload,
    TimeSpan Create,
    TimeSpan CreateToCompleted,
    int Completed,
    int Failed,
    long OutputBytes,
    long ReportedOutputBytes,
    int OutputLines,
    int DistinctCustomIds,
    TimeSpan Download,
    TimeSpan FileObject,
    long GatewayRssBeforeBytes,
    long GatewayPeakRssBytes,
    TimeSpan GatewayCpu)
{
    /// <summary>The bytes in the gateway's blob directory after the run (files, task inputs and results), or null when blobs were in memory.</summary>
    public long? BlobBytes { get; init; }

    /// <summary>The largest live managed heap read during the batch (<c>--gcdump</c>), or null when not read.</summary>
    public long? PeakLiveHeapBytes { get; init; }
}
