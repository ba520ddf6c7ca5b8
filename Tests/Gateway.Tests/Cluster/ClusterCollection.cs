namespace OrleansGateway.Tests.Cluster;

/// <summary>Every cluster test shares one cluster (<see cref="ClusterFixture"/>) and runs one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
