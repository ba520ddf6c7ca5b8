using Microsoft.Extensions.Configuration;
using Orleans.Serialization;
using OrleansGateway.Hosting;
using Polly.Timeout;

namespace OrleansGateway.Tests.Hosting;

/// <summary>
/// What a silo sends back when a grain call fails with an exception outside Orleans' default namespaces: a placement
/// that timed out while a restarted cluster settled carries Polly's <see cref="TimeoutRejectedException"/> inside.
/// Orleans' default serializer refuses it (the rejection was dropped and the frontend's request hung); the gateway's
/// hosts serialize it whole.
/// </summary>
public sealed class ExceptionSerializationTests
{
    private static TimeoutException PlacementTimeout() =>
        new("Grain placement operation timed out for grain chat/36.", new TimeoutRejectedException("The operation didn't complete within the allowed timeout of '00:00:30'."));

    [Fact]
    public void OrleansDefaults_PlacementTimeoutWithPollyInside_CannotBeSerialized()
    {
        using var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();

        Assert.Throws<CodecNotFoundException>(() => serializer.SerializeToArray<Exception>(PlacementTimeout()));
    }

    [Fact]
    public void GatewayHosting_PlacementTimeoutWithPollyInside_ArrivesWithItsTypesAndMessages()
    {
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddGatewayHosting()
            .AddSerializer()
            .BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();

        var bytes = serializer.SerializeToArray<Exception>(PlacementTimeout());
        var received = serializer.Deserialize<Exception>(bytes);

        var timeout = Assert.IsType<TimeoutException>(received);
        Assert.Equal("Grain placement operation timed out for grain chat/36.", timeout.Message);
        var inner = Assert.IsType<TimeoutRejectedException>(timeout.InnerException);
        Assert.Equal("The operation didn't complete within the allowed timeout of '00:00:30'.", inner.Message);
    }
}
