namespace OrleansGateway.Batch;

/// <summary>Where a batch job is: <c>queued</c> → <c>processing</c> → <c>completed</c> | <c>failed</c> | <c>cancelled</c> | <c>expired</c>.</summary>
[GenerateSerializer, Alias("gw.BatchJobStatus")]
public enum BatchJobStatus
{
    /// <summary>Recorded, not started yet.</summary>
    Queued = 0,

    /// <summary>Tasks are running.</summary>
    Processing = 1,

    /// <summary>Every task has a final result (completed or failed).</summary>
    Completed = 2,

    /// <summary>The job could not run at all; its error says why.</summary>
    Failed = 3,

    /// <summary>Cancelled by the client; results so far are kept.</summary>
    Cancelled = 4,

    /// <summary>Its window (<see cref="BatchJobSpec.ExpiresAt"/>) closed before every task finished; results so far are kept.</summary>
    Expired = 5,
}
