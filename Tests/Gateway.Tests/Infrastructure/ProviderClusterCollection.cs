namespace OrleansGateway.Tests.Infrastructure;

/// <summary>The tests that share one two-silo cluster.</summary>
[CollectionDefinition(Name)]
public sealed class ProviderClusterCollection : ICollectionFixture<ProviderClusterFixture>
{
    public const string Name = "provider cluster";
}
