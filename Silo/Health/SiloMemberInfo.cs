namespace OrleansGateway.Silo.Health;

/// <summary>One active silo of the cluster.</summary>
public sealed record SiloMemberInfo(string Address, string Status);
