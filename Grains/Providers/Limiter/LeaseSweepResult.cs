namespace OrleansGateway.Providers;

/// <summary>What one <see cref="LeaseSweep"/> freed: leases whose holders stopped renewing, and leases of silos declared dead.</summary>
public readonly record struct LeaseSweepResult(int Expired, int OfDeadSilos);
