namespace OrleansGateway.Storage;

/// <summary>Names of the grain storage providers the gateway's grains use; the host decides what backs them.</summary>
public static class GatewayStorage
{
    /// <summary>Grain state of providers and batch jobs (memory when embedded, Azure Table storage in a cluster).</summary>
    public const string Name = "gateway";
}
