namespace OrleansGateway.Frontend.Operations;

/// <summary>Requests waiting for a slot, by priority.</summary>
public sealed record QueuedCounts(int Interactive, int Batch);
