namespace OrleansGateway.Tests.Infrastructure;

/// <summary>
/// The base of a test class that shares one <see cref="GatewayFixture"/> among its tests: each test starts with
/// the fake provider reset to its echo behaviour and its counters cleared.
/// </summary>
public abstract class GatewayFixtureTest : IClassFixture<GatewayFixture>
{
    protected GatewayFixtureTest(GatewayFixture fixture)
    {
        Fixture = fixture;
        fixture.Reset();
    }

    protected GatewayFixture Fixture { get; }

    protected GatewayApplication App => Fixture.App;
}
