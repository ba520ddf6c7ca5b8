namespace OrleansGateway.Operations;

/// <summary>Which kind of process serves the operations page (<c>frontend</c>, <c>silo</c>), and where its Orleans Dashboard is, if it has one.</summary>
public sealed record OperationsHost(string Name, string? DashboardPath);
