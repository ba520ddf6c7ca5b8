namespace OrleansGateway.Cluster;

/// <summary>What a pooled grain activation knows of a call (<see cref="IPooledCallGrain.GetCallStateAsync"/>).</summary>
[GenerateSerializer, Alias("gw.PooledCallState")]
public enum PooledCallState
{
    /// <summary>This activation neither runs the call nor keeps its answer: it never arrived here, or ran in an activation now gone.</summary>
    Unknown = 0,

    /// <summary>The call runs in this activation.</summary>
    Running = 1,

    /// <summary>The call finished in this activation and its answer is kept for a repeat.</summary>
    Finished = 2,
}
