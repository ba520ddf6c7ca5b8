using Microsoft.Extensions.Time.Testing;

namespace OrleansGateway.Tests.Providers.Limiter;

public sealed class RecentOutcomesTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch);

    [Fact]
    public void Add_CountsSuccessesAndFailuresSeparately()
    {
        var recent = new RecentOutcomes(TimeSpan.FromSeconds(60), _time);
        recent.Add(success: true, 3);
        recent.Add(success: false);

        Assert.Equal(3, recent.Successes);
        Assert.Equal(1, recent.Failures);
    }

    [Fact]
    public void Counts_OlderThanTheWindow_AreDropped()
    {
        var recent = new RecentOutcomes(TimeSpan.FromSeconds(60), _time);
        recent.Add(success: true, 2);
        _time.Advance(TimeSpan.FromSeconds(30));
        recent.Add(success: false);
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(2, recent.Successes);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, recent.Successes);
        Assert.Equal(1, recent.Failures);
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(0, recent.Failures);
    }

    [Fact]
    public void Add_BeyondCapacity_KeepsOnlyTheNewest()
    {
        var recent = new RecentOutcomes(TimeSpan.FromSeconds(60), _time);
        recent.Add(success: false, 10);
        recent.Add(success: true, RecentOutcomes.Capacity);

        Assert.Equal(RecentOutcomes.Capacity, recent.Successes);
        Assert.Equal(0, recent.Failures);
    }
}
