namespace OrleansGateway.Hosting.Health;

/// <summary>One active silo of the cluster.</summary>
public sealed record SiloMember(string Address, string Status);
