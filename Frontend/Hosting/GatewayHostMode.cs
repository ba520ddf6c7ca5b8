namespace OrleansGateway.Frontend.Hosting;

/// <summary>How this frontend reaches the grains: a silo in the same process (embedded) or a cluster of silos.</summary>
public sealed record GatewayHostMode(string Name)
{
    public static GatewayHostMode Embedded { get; } = new("embedded");

    public static GatewayHostMode Cluster { get; } = new("cluster");
}
