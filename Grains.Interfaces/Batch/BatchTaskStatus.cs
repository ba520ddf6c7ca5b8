namespace OrleansGateway.Batch;

/// <summary>Where one task of a batch job is.</summary>
[GenerateSerializer, Alias("gw.BatchTaskStatus")]
public enum BatchTaskStatus
{
    /// <summary>No final result yet.</summary>
    Pending = 0,

    /// <summary>The model answered; the task has its output.</summary>
    Completed = 1,

    /// <summary>The task failed after its retries; its error says why.</summary>
    Failed = 2,
}
