using Microsoft.Extensions.Time.Testing;

namespace OrleansGateway.Tests.Providers.Limiter;

public sealed class CircuitBreakerTests
{
    private static readonly TimeSpan s_cooldown = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch);

    private CircuitBreaker Breaker(int threshold = 3) => new(threshold, s_cooldown, _time);

    [Fact]
    public void Record_ThresholdConsecutiveFailures_OpensForTheCooldown()
    {
        var breaker = Breaker();
        Assert.Null(breaker.Record(1, CallOutcome.ProviderFailure));
        Assert.Null(breaker.Record(2, CallOutcome.ProviderFailure));

        Assert.Equal(CircuitState.Open, breaker.Record(3, CallOutcome.ProviderFailure));
        Assert.Equal(3, breaker.ConsecutiveFailures);
        Assert.Equal(_time.GetUtcNow() + s_cooldown, breaker.OpenUntil);
        Assert.Equal(s_cooldown, breaker.RefusesFor);
        Assert.Equal(CircuitState.Open, breaker.StateNow);
    }

    [Fact]
    public void Record_SuccessBetweenFailures_RestartsTheCount()
    {
        var breaker = Breaker();
        breaker.Record(1, CallOutcome.ProviderFailure);
        breaker.Record(2, CallOutcome.ProviderFailure);
        Assert.Null(breaker.Record(3, CallOutcome.Success));
        Assert.Equal(0, breaker.ConsecutiveFailures);
        breaker.Record(4, CallOutcome.ProviderFailure);
        breaker.Record(5, CallOutcome.ProviderFailure);

        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.Equal(2, breaker.ConsecutiveFailures);
    }

    [Fact]
    public void Record_NeutralOutcome_NeitherCountsNorResets()
    {
        var breaker = Breaker(threshold: 2);
        breaker.Record(1, CallOutcome.ProviderFailure);
        Assert.Null(breaker.Record(2, CallOutcome.Neutral));
        Assert.Equal(1, breaker.ConsecutiveFailures);

        Assert.Equal(CircuitState.Open, breaker.Record(3, CallOutcome.ProviderFailure));
    }

    [Fact]
    public void RecordSuccesses_EndsTheFailureRun()
    {
        var breaker = Breaker(threshold: 2);
        breaker.Record(1, CallOutcome.ProviderFailure);
        breaker.RecordSuccesses();

        Assert.Null(breaker.Record(2, CallOutcome.ProviderFailure));
        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public void TryHalfOpen_OnlyOnceTheCooldownHasEnded()
    {
        var breaker = Breaker(threshold: 1);
        breaker.Record(1, CallOutcome.ProviderFailure);
        _time.Advance(s_cooldown - TimeSpan.FromMilliseconds(1));
        Assert.False(breaker.TryHalfOpen());
        Assert.Equal(TimeSpan.FromMilliseconds(1), breaker.RefusesFor);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(CircuitState.HalfOpen, breaker.StateNow);
        Assert.Equal(CircuitState.Open, breaker.State);
        Assert.Equal(TimeSpan.Zero, breaker.RefusesFor);
        Assert.True(breaker.TryHalfOpen());
        Assert.False(breaker.TryHalfOpen());
        Assert.Equal(CircuitState.HalfOpen, breaker.State);
        Assert.False(breaker.TrialTaken);
    }

    [Fact]
    public void HalfOpen_TrialSucceeds_Closes()
    {
        var breaker = HalfOpenBreaker();
        breaker.StartTrial(7);
        Assert.True(breaker.TrialTaken);

        Assert.Null(breaker.Record(6, CallOutcome.Success));
        Assert.Equal(CircuitState.HalfOpen, breaker.State);
        Assert.Equal(CircuitState.Closed, breaker.Record(7, CallOutcome.Success));
        Assert.False(breaker.TrialTaken);
    }

    [Fact]
    public void HalfOpen_TrialFails_OpensAgainForAnotherCooldown()
    {
        var breaker = HalfOpenBreaker();
        breaker.StartTrial(7);

        Assert.Equal(CircuitState.Open, breaker.Record(7, CallOutcome.ProviderFailure));
        Assert.Equal(s_cooldown, breaker.RefusesFor);
    }

    [Fact]
    public void HalfOpen_TrialAbandoned_FreesTheTrialForTheNextCaller()
    {
        var breaker = HalfOpenBreaker();
        breaker.StartTrial(7);
        breaker.Abandon(8);
        Assert.True(breaker.TrialTaken);

        breaker.Abandon(7);
        Assert.False(breaker.TrialTaken);
        Assert.Equal(CircuitState.HalfOpen, breaker.State);
    }

    private CircuitBreaker HalfOpenBreaker()
    {
        var breaker = Breaker(threshold: 1);
        breaker.Record(1, CallOutcome.ProviderFailure);
        _time.Advance(s_cooldown);
        Assert.True(breaker.TryHalfOpen());
        return breaker;
    }
}
