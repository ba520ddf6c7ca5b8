namespace OrleansGateway.Tests.Cluster;

/// <summary>
/// Every cluster test shares one cluster (<see cref="ClusterFixture"/>) and runs one at a time, and
/// the collection runs alone, after the others: its real processes are timed (a silo's graceful exit
/// under load, failover windows of a few seconds), and the in-process test clusters of the other
/// collections running beside them on 2 cores made those windows miss.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
