using Microsoft.Extensions.Time.Testing;
using OrleansGateway.Keys;

namespace OrleansGateway.Tests.Keys;

/// <summary>
/// The key limiter's math under a fake clock: exact 60-second windows for rpm and tpm with the right
/// Retry-After, token settlement to the reported usage, max_parallel_requests, budget reservation that
/// concurrent requests cannot overshoot, release on failure or cancellation, and the budget period reset.
/// </summary>
public sealed class KeyLimiterTests
{
    private static readonly DateTimeOffset s_start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(s_start);

    private KeyLimiter Limiter(KeyLimits limits) => new(limits, _time, s_start);

    [Fact]
    public void TryAdmit_RpmReached_RejectsUntilOldestLeavesWindow()
    {
        var limiter = Limiter(new KeyLimits(RpmLimit: 3));
        Assert.True(limiter.TryAdmit(0, 0m).Admitted);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(limiter.TryAdmit(0, 0m).Admitted);
        Assert.True(limiter.TryAdmit(0, 0m).Admitted);

        var rejected = limiter.TryAdmit(0, 0m);
        Assert.Equal(KeyLimitKind.Requests, rejected.Limit);
        Assert.Equal(TimeSpan.FromSeconds(50), rejected.RetryAfter);

        _time.Advance(TimeSpan.FromSeconds(50) - TimeSpan.FromTicks(1));
        Assert.Equal(KeyLimitKind.Requests, limiter.TryAdmit(0, 0m).Limit);
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.True(limiter.TryAdmit(0, 0m).Admitted);
        Assert.Equal(KeyLimitKind.Requests, limiter.TryAdmit(0, 0m).Limit);
        Assert.Equal(3, limiter.RequestsInWindow);
    }

    [Fact]
    public void TryAdmit_AnySixtySecondWindow_NeverMoreThanRpm()
    {
        var limiter = Limiter(new KeyLimits(RpmLimit: 30));
        var accepted = new List<DateTimeOffset>();
        for (var i = 0; i < 3000; i++)
        {
            if (limiter.TryAdmit(0, 0m) is { Admitted: true } admission)
            {
                accepted.Add(_time.GetUtcNow());
                limiter.Settle(admission.ReservationId, 0, 0m);
            }

            _time.Advance(TimeSpan.FromMilliseconds(100 + (i % 7) * 13));
        }

        foreach (var start in accepted)
        {
            Assert.True(accepted.Count(t => t >= start && t < start + KeyLimiter.Window) <= 30);
        }

        var minutes = (_time.GetUtcNow() - s_start).TotalMinutes;
        Assert.InRange(accepted.Count, (int)(30 * Math.Floor(minutes)), (int)(30 * Math.Ceiling(minutes)));
    }

    [Fact]
    public void Settle_ReportedTokensBelowReservation_FreesTokensForNextRequest()
    {
        var limiter = Limiter(new KeyLimits(TpmLimit: 1000));
        var first = limiter.TryAdmit(800, 0m);
        Assert.True(first.Admitted);

        var second = limiter.TryAdmit(500, 0m);
        Assert.Equal(KeyLimitKind.Tokens, second.Limit);
        Assert.Equal(KeyLimiter.Window, second.RetryAfter);

        Assert.True(limiter.Settle(first.ReservationId, 300, 0m));
        Assert.Equal(300, limiter.TokensInWindow);
        Assert.True(limiter.TryAdmit(500, 0m).Admitted);
        Assert.False(limiter.Settle(first.ReservationId, 300, 0m));
    }

    [Fact]
    public void TryAdmit_TokensLargerThanTpm_RejectsWithoutRetryAfter()
    {
        var limiter = Limiter(new KeyLimits(TpmLimit: 100));
        var rejected = limiter.TryAdmit(101, 0m);
        Assert.Equal(KeyLimitKind.Tokens, rejected.Limit);
        Assert.Null(rejected.RetryAfter);
        Assert.Equal(0, limiter.TokensInWindow);
    }

    [Fact]
    public void TryAdmit_ParallelReached_RejectsUntilOneEnds()
    {
        var limiter = Limiter(new KeyLimits(MaxParallelRequests: 2));
        var a = limiter.TryAdmit(0, 0m);
        var b = limiter.TryAdmit(0, 0m);
        Assert.True(a.Admitted && b.Admitted);

        var rejected = limiter.TryAdmit(0, 0m);
        Assert.Equal(KeyLimitKind.Parallel, rejected.Limit);
        Assert.Equal(KeyLimiter.ParallelRetryAfter, rejected.RetryAfter);

        Assert.True(limiter.Release(a.ReservationId));
        Assert.True(limiter.TryAdmit(0, 0m).Admitted);
        Assert.Equal(2, limiter.InFlight);
    }

    [Fact]
    public void TryAdmit_RejectedByOneLimit_ChargesNoOther()
    {
        var limiter = Limiter(new KeyLimits(RpmLimit: 10, TpmLimit: 1000, MaxBudget: 1m));
        Assert.True(limiter.TryAdmit(100, 0.9m).Admitted);

        Assert.Equal(KeyLimitKind.Budget, limiter.TryAdmit(100, 0.2m).Limit);
        Assert.Equal(1, limiter.RequestsInWindow);
        Assert.Equal(100, limiter.TokensInWindow);
        Assert.Equal(1, limiter.InFlight);
        Assert.Equal(0.9m, limiter.BudgetCommitted);
    }

    [Fact]
    public void TryAdmit_ConcurrentRequestsOverBudget_ReservationsNeverOvershoot()
    {
        var limiter = Limiter(new KeyLimits(MaxBudget: 1m));
        var admitted = new List<long>();
        for (var i = 0; i < 10; i++)
        {
            var admission = limiter.TryAdmit(0, 0.3m);
            if (admission.Admitted)
            {
                admitted.Add(admission.ReservationId);
            }
            else
            {
                Assert.Equal(KeyLimitKind.Budget, admission.Limit);
                Assert.Null(admission.RetryAfter);
            }
        }

        Assert.Equal(3, admitted.Count);
        foreach (var id in admitted)
        {
            Assert.True(limiter.Settle(id, 0, 0.3m));
        }

        Assert.Equal(0.9m, limiter.Spent);
        Assert.Equal(KeyLimitKind.Budget, limiter.TryAdmit(0, 0.2m).Limit);
        Assert.True(limiter.TryAdmit(0, 0.1m).Admitted);
    }

    [Fact]
    public void Settle_CostBelowReservation_ChargesOnlyTheRealCost()
    {
        var limiter = Limiter(new KeyLimits(MaxBudget: 1m));
        var first = limiter.TryAdmit(0, 0.8m);
        Assert.Equal(KeyLimitKind.Budget, limiter.TryAdmit(0, 0.5m).Limit);

        Assert.True(limiter.Settle(first.ReservationId, 0, 0.25m));
        Assert.Equal(0.25m, limiter.Spent);
        Assert.True(limiter.TryAdmit(0, 0.5m).Admitted);
    }

    [Fact]
    public void Release_FailedOrCancelled_GivesBackTokensBudgetAndSlotButKeepsRequestCounted()
    {
        var limiter = Limiter(new KeyLimits(RpmLimit: 5, TpmLimit: 1000, MaxParallelRequests: 1, MaxBudget: 1m));
        var admission = limiter.TryAdmit(900, 0.9m);
        Assert.True(admission.Admitted);

        Assert.True(limiter.Release(admission.ReservationId));
        Assert.False(limiter.Release(admission.ReservationId));
        Assert.False(limiter.Settle(admission.ReservationId, 900, 0.9m));

        Assert.Equal(0, limiter.InFlight);
        Assert.Equal(0, limiter.TokensInWindow);
        Assert.Equal(0m, limiter.BudgetCommitted);
        Assert.Equal(0m, limiter.Spent);
        Assert.Equal(1, limiter.RequestsInWindow);
        Assert.True(limiter.TryAdmit(900, 0.9m).Admitted);
    }

    [Fact]
    public void TryAdmit_BudgetPeriodEnds_SpendResetsAndRetryAfterPointsAtReset()
    {
        var limiter = Limiter(new KeyLimits(MaxBudget: 1m, BudgetDuration: TimeSpan.FromHours(1)));
        var first = limiter.TryAdmit(0, 1m);
        Assert.True(limiter.Settle(first.ReservationId, 0, 1m));
        _time.Advance(TimeSpan.FromMinutes(20));

        var rejected = limiter.TryAdmit(0, 0.5m);
        Assert.Equal(KeyLimitKind.Budget, rejected.Limit);
        Assert.Equal(TimeSpan.FromMinutes(40), rejected.RetryAfter);

        _time.Advance(TimeSpan.FromMinutes(40));
        Assert.Equal(0m, limiter.BudgetCommitted);
        Assert.True(limiter.TryAdmit(0, 0.5m).Admitted);
    }

    [Fact]
    public void Settle_ReservedBeforePeriodReset_DoesNotChargeNewPeriod()
    {
        var limiter = Limiter(new KeyLimits(MaxBudget: 1m, BudgetDuration: TimeSpan.FromHours(1)));
        _time.Advance(TimeSpan.FromMinutes(59));
        var old = limiter.TryAdmit(0, 0.6m);
        Assert.True(old.Admitted);

        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(0m, limiter.BudgetCommitted);
        var fresh = limiter.TryAdmit(0, 1m);
        Assert.True(fresh.Admitted);

        Assert.True(limiter.Settle(old.ReservationId, 0, 0.6m));
        Assert.Equal(1m, limiter.BudgetCommitted);
        Assert.True(limiter.Settle(fresh.ReservationId, 0, 0.4m));
        Assert.Equal(0.4m, limiter.Spent);
    }
}
