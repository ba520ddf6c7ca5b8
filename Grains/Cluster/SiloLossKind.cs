namespace OrleansGateway.Cluster;

/// <summary>What a failed grain call says about the silo it went to; decided by <see cref="SiloLossPolicy.Classify"/>.</summary>
public enum SiloLossKind
{
    /// <summary>Not a silo loss: the call failed for its own reasons and is not repeated.</summary>
    None,

    /// <summary>
    /// Orleans refused or could not send the message: the connection failed, the message was rejected
    /// (the cluster has not yet recovered a dead silo's directory entries) or its silo is unavailable.
    /// Repeated with a short pause until <see cref="SiloLossPolicy.Deadline"/>.
    /// </summary>
    Rejected,

    /// <summary>
    /// No answer reached the caller: the response timed out, or the client has no connection to the
    /// cluster. The call may still be running; only a frontend request is tried once more.
    /// </summary>
    Unanswered,
}
