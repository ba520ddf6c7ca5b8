namespace OrleansGateway.Providers;

/// <summary>A caller queued for a slot at a provider's grain; <see cref="Completion"/> gets its answer.</summary>
public sealed class LeaseWaiter(RequestPriority priority, Guid requestId, string? holder = null)
{
    public RequestPriority Priority { get; } = priority;

    /// <summary>The caller's idempotency id (<see cref="LeaseRequest.RequestId"/>).</summary>
    public Guid RequestId { get; } = requestId;

    /// <summary>The silo that will hold the slot (<see cref="LeaseRequest.Holder"/>).</summary>
    public string? Holder { get; } = holder;

    /// <summary>Set once with the grant or the refusal; cancelled when the waiter gave up.</summary>
    public TaskCompletionSource<LeaseResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How many asks wait on this one answer (more than one when a caller asked again with the same request id).</summary>
    public int Callers { get; internal set; } = 1;

    internal LinkedListNode<LeaseWaiter>? Node { get; set; }
}
