using Microsoft.Extensions.Time.Testing;

namespace OrleansGateway.Tests.Batch;

/// <summary>Tasks a provider turns away stay pending with its Retry-After until the wait limit; other errors are results at once.</summary>
public sealed class ProviderRefusalsTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero));

    [Theory]
    [InlineData(GatewayErrorKind.CircuitOpen)]
    [InlineData(GatewayErrorKind.QueueFull)]
    [InlineData(GatewayErrorKind.RateLimited)]
    public void KeepsPending_RefusalWithinLimit_TrueWithRetryAfter(GatewayErrorKind kind)
    {
        var refusals = new ProviderRefusals(TimeSpan.FromMinutes(10), _time);

        Assert.True(refusals.KeepsPending(0, new GatewayError(kind, "busy") { RetryAfterSeconds = 7 }, out var wait));

        Assert.Equal(TimeSpan.FromSeconds(7), wait);
    }

    [Theory]
    [InlineData(null, 1)]
    [InlineData(0, 1)]
    [InlineData(300, 30)]
    public void KeepsPending_RetryAfter_ClampedBetween1And30s(int? retryAfter, int expectedSeconds)
    {
        var refusals = new ProviderRefusals(TimeSpan.FromMinutes(10), _time);

        refusals.KeepsPending(0, new GatewayError(GatewayErrorKind.CircuitOpen, "open") { RetryAfterSeconds = retryAfter }, out var wait);

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), wait);
    }

    [Theory]
    [InlineData(GatewayErrorKind.Upstream)]
    [InlineData(GatewayErrorKind.InvalidRequest)]
    [InlineData(GatewayErrorKind.Timeout)]
    public void KeepsPending_OtherError_FalseAtOnce(GatewayErrorKind kind)
    {
        var refusals = new ProviderRefusals(TimeSpan.FromMinutes(10), _time);

        Assert.False(refusals.KeepsPending(0, new GatewayError(kind, "bad"), out _));
    }

    [Fact]
    public void KeepsPending_RefusedUntilTheLimit_ThenTheRefusalIsTheResult()
    {
        var refusals = new ProviderRefusals(TimeSpan.FromSeconds(10), _time);
        var open = new GatewayError(GatewayErrorKind.CircuitOpen, "open") { RetryAfterSeconds = 4 };

        Assert.True(refusals.KeepsPending(3, open, out _));
        _time.Advance(TimeSpan.FromSeconds(6));
        Assert.True(refusals.KeepsPending(3, open, out _), "6 s + 4 s reaches the limit, not beyond");
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(refusals.KeepsPending(3, open, out _), "7 s + 4 s is past the 10 s limit");

        // Another task's wait is its own.
        Assert.True(refusals.KeepsPending(4, open, out _));
    }

    [Fact]
    public void KeepsPending_ZeroLimit_NeverWaits()
    {
        var refusals = new ProviderRefusals(TimeSpan.Zero, _time);

        Assert.False(refusals.KeepsPending(0, new GatewayError(GatewayErrorKind.QueueFull, "full"), out _));
    }

    [Fact]
    public void Clear_AfterAResult_StartsTheWaitAgain()
    {
        var refusals = new ProviderRefusals(TimeSpan.FromSeconds(10), _time);
        var open = new GatewayError(GatewayErrorKind.CircuitOpen, "open") { RetryAfterSeconds = 1 };
        refusals.KeepsPending(0, open, out _);
        _time.Advance(TimeSpan.FromSeconds(9));

        refusals.Clear(0);

        Assert.True(refusals.KeepsPending(0, open, out _));
    }
}
