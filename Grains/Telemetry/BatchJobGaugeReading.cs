using OrleansGateway.Batch;

namespace OrleansGateway.Telemetry;

/// <summary>What a batch job's grain reports to the batch gauges: its status and task counts.</summary>
public readonly record struct BatchJobGaugeReading(BatchJobStatus Status, int Total, int Completed, int Failed)
{
    /// <summary>Tasks without a final result yet.</summary>
    public int Pending => Math.Max(0, Total - Completed - Failed);
}
