using Microsoft.Extensions.Time.Testing;
using OrleansGateway.Keys;

namespace OrleansGateway.Tests.Keys;

/// <summary>
/// The key limiter's allowance math under a fake clock: allowances counted in the 60-second windows from
/// their grant until a window after their last usable instant, so requests admitted under them by any number
/// of frontends never exceed rpm or tpm in any window; unused parts returned; parallel slots and budget held
/// and returned; a lost frontend's holds reclaimed after the hold; retried exchanges not applied twice; the
/// exact Retry-After; and the budget period's reset.
/// </summary>
public sealed class KeyLimiterTests
{
    private static readonly DateTimeOffset s_start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(s_start);

    private KeyLimiter Limiter(KeyLimits limits) => new(limits, _time, s_start);

    /// <summary>One frontend's side of the exchange, as plain as the test needs it.</summary>
    private sealed class Frontend(KeyLimiter limiter, string name)
    {
        private long _sequence;

        public List<KeyGrantReturn> Returns { get; } = [];

        public KeyGrant Exchange(KeyGrantAsk? ask, decimal settled = 0m, decimal budgetReturned = 0m, int parallelReturned = 0, int inFlight = 0, long period = 0, ImmutableArray<KeySettlement> usage = default)
        {
            var request = new KeyGrantRequest(name, ++_sequence, [.. Returns], usage.IsDefault ? [] : usage, period, settled, budgetReturned, parallelReturned, inFlight, ask);
            Returns.Clear();
            return limiter.Exchange(request);
        }

        public KeyGrant Replay(KeyGrantAsk? ask) =>
            limiter.Exchange(new KeyGrantRequest(name, _sequence, [], [], 0, 0m, 0m, 0, 0, ask));
    }

    private static KeyGrantAsk Ask(int requests = 1, long minTokens = 0, long tokens = 0, int minParallel = 1, decimal minCost = 0m, decimal budget = 0m) =>
        new(minTokens, minParallel, minCost, requests, Math.Max(tokens, minTokens), minParallel, Math.Max(budget, minCost));

    [Fact]
    public void Exchange_RpmReached_RefusedUntilTheAllowancesLastInstantLeavesTheWindow()
    {
        var limiter = Limiter(new KeyLimits(RpmLimit: 3));
        var a = new Frontend(limiter, "a");
        Assert.Equal(1, a.Exchange(Ask()).Requests);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(2, a.Exchange(Ask(requests: 5)).Requests);

        var refused = a.Exchange(Ask());
        Assert.Equal(KeyLimitKind.Requests, refused.Refused);
        // The first allowance could be used until 1 s after its grant: it counts until 61 s after it, 51 s from now.
        Assert.Equal(51, refused.RetryAfterSeconds);

        _time.Advance(TimeSpan.FromSeconds(51) - TimeSpan.FromTicks(1));
        Assert.Equal(KeyLimitKind.Requests, a.Exchange(Ask()).Refused);
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.True(a.Exchange(Ask()).Granted);
        Assert.Equal(3, limiter.RequestsInWindow);
    }

    [Fact]
    public void Exchange_TwoFrontendsUsingTheirAllowancesAtRandomTimes_NoSixtySecondWindowHoldsMoreThanRpm()
    {
        const int rpm = 30;
        var limiter = Limiter(new KeyLimits(RpmLimit: rpm));
        var random = new Random(19);
        var frontends = new[] { new Frontend(limiter, "a"), new Frontend(limiter, "b") };
        var open = new (long Id, int Left, int Used, DateTimeOffset Until)[2];
        var admitted = new List<DateTimeOffset>();
        var end = s_start + TimeSpan.FromMinutes(5);
        while (_time.GetUtcNow() < end)
        {
            var i = random.Next(2);
            var now = _time.GetUtcNow();
            if (open[i].Id != 0 && (open[i].Left == 0 || now >= open[i].Until))
            {
                frontends[i].Returns.Add(new KeyGrantReturn(open[i].Id, open[i].Used, 0));
                open[i] = default;
            }

            if (open[i].Id == 0)
            {
                var grant = frontends[i].Exchange(Ask(requests: 1 + random.Next(8)));
                if (grant.Granted)
                {
                    open[i] = (grant.GrantId, grant.Requests!.Value, 0, now + grant.Life);
                }
            }

            // A frontend admits under its allowance until its life ends, the last instant included.
            if (open[i].Id != 0 && open[i].Left > 0 && random.Next(3) > 0)
            {
                open[i].Left--;
                open[i].Used++;
                admitted.Add(now);
            }

            _time.Advance(TimeSpan.FromMilliseconds(random.Next(1, 400)));
        }

        foreach (var start in admitted)
        {
            var inWindow = admitted.Count(t => t >= start && t < start + KeyLimiter.Window);
            Assert.True(inWindow <= rpm, $"{inWindow} requests admitted in the 60 s from {start:O}; rpm_limit {rpm}");
        }

        // The limit is used: at least 90% of rpm per minute over the run.
        Assert.True(admitted.Count >= 0.9 * rpm * 5 - rpm, $"{admitted.Count} admitted in 5 minutes at rpm_limit {rpm}");
    }

    [Fact]
    public void Exchange_UnusedRequestsAndTokensReturned_FreeTheRoomForAnotherFrontend()
    {
        var limiter = Limiter(new KeyLimits(RpmLimit: 10, TpmLimit: 1000));
        var a = new Frontend(limiter, "a");
        var b = new Frontend(limiter, "b");
        var first = a.Exchange(Ask(requests: 100, minTokens: 100, tokens: 10_000));
        // At least what the request needs, then at most half of the room left (tokens in whole requests' sizes).
        Assert.Equal((6, 500L), (first.Requests, first.Tokens));

        a.Returns.Add(new KeyGrantReturn(first.GrantId, 1, -400));
        a.Exchange(null);
        Assert.Equal((1L, 100L), (limiter.RequestsInWindow, limiter.TokensInWindow));

        var second = b.Exchange(Ask(requests: 100, minTokens: 100, tokens: 10_000));
        Assert.Equal((5, 500L), (second.Requests, second.Tokens));
        Assert.Equal((6L, 600L), (limiter.RequestsInWindow, limiter.TokensInWindow));
    }

    [Fact]
    public void Exchange_RequestLargerThanTpm_RefusedWithoutRetryAfter_AndCountsNothing()
    {
        var limiter = Limiter(new KeyLimits(TpmLimit: 100));
        var refused = new Frontend(limiter, "a").Exchange(Ask(minTokens: 101));
        Assert.Equal(KeyLimitKind.Tokens, refused.Refused);
        Assert.Null(refused.RetryAfterSeconds);
        Assert.Equal(0, limiter.TokensInWindow);
    }

    [Fact]
    public void Exchange_TokensSettledBelowTheirReservation_FreeTheWindow()
    {
        var limiter = Limiter(new KeyLimits(TpmLimit: 1000));
        var a = new Frontend(limiter, "a");
        var grant = a.Exchange(Ask(minTokens: 800, tokens: 800));
        Assert.Equal(KeyLimitKind.Tokens, a.Exchange(Ask(minTokens: 500)).Refused);

        a.Returns.Add(new KeyGrantReturn(grant.GrantId, 1, -500));
        Assert.True(a.Exchange(Ask(minTokens: 500)).Granted);
        Assert.Equal(800, limiter.TokensInWindow);
    }

    [Fact]
    public void Exchange_ParallelSlotsHeldByOneFrontend_RefuseTheOtherUntilReturned()
    {
        var limiter = Limiter(new KeyLimits(MaxParallelRequests: 2));
        var a = new Frontend(limiter, "a");
        var b = new Frontend(limiter, "b");
        Assert.Equal(1, a.Exchange(Ask()).Parallel);
        Assert.Equal(1, a.Exchange(Ask()).Parallel);

        var refused = b.Exchange(Ask());
        Assert.Equal(KeyLimitKind.Parallel, refused.Refused);
        Assert.Equal(1, refused.RetryAfterSeconds);

        // A prefetch that needs no new slot is granted without one.
        var noSlot = a.Exchange(Ask(minParallel: 0), inFlight: 2);
        Assert.Equal(0, noSlot.Parallel);

        a.Exchange(null, parallelReturned: 1, inFlight: 1);
        Assert.Equal(1, b.Exchange(Ask()).Parallel);
        Assert.Equal(2, limiter.ParallelHeld);
    }

    [Fact]
    public void Exchange_ConcurrentBudgetHolds_NeverExceedTheBudget_AndSettledSpendStaysCharged()
    {
        var limiter = Limiter(new KeyLimits(MaxBudget: 1m));
        var a = new Frontend(limiter, "a");
        var b = new Frontend(limiter, "b");
        var held = a.Exchange(Ask(minCost: 0.3m, budget: 10m));
        // The minimum, then half the room left in whole multiples of the minimum.
        Assert.Equal(0.6m, held.Budget);
        Assert.Equal(0.2m, b.Exchange(Ask(minCost: 0.1m, budget: 10m)).Budget);
        Assert.Equal(KeyLimitKind.Budget, b.Exchange(Ask(minCost: 0.3m)).Refused);
        Assert.Equal(0.8m, limiter.BudgetCommitted);

        // a spent 0.25 of its hold and gives back the rest.
        a.Exchange(null, settled: 0.25m, budgetReturned: 0.35m);
        Assert.Equal(0.25m, limiter.Spent);
        Assert.Equal(0.45m, limiter.BudgetCommitted);
        Assert.True(b.Exchange(Ask(minCost: 0.5m)).Granted);
        Assert.True(limiter.BudgetCommitted <= 1m);
        Assert.Equal(KeyLimitKind.Budget, a.Exchange(Ask(minCost: 0.1m)).Refused);
        Assert.Null(a.Exchange(Ask(minCost: 2m)).RetryAfterSeconds);
    }

    [Fact]
    public void Exchange_FrontendSilentForTheHold_ItsSlotsAndBudgetAreReclaimed()
    {
        var limiter = Limiter(new KeyLimits(MaxParallelRequests: 1, MaxBudget: 1m));
        var lost = new Frontend(limiter, "lost");
        var other = new Frontend(limiter, "other");
        Assert.True(lost.Exchange(Ask(minCost: 1m)).Granted);

        _time.Advance(KeyLimiter.DefaultLostHolderHold - TimeSpan.FromSeconds(1));
        Assert.Equal(KeyLimitKind.Parallel, other.Exchange(Ask(minCost: 1m)).Refused);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(other.Exchange(Ask(minCost: 1m)).Granted);
        Assert.Equal(1, limiter.ParallelHeld);
    }

    [Fact]
    public void Exchange_RetriedExchange_IsAnsweredAgainButNotAppliedTwice()
    {
        var limiter = Limiter(new KeyLimits(RpmLimit: 10, MaxBudget: 10m));
        var a = new Frontend(limiter, "a");
        var grant = a.Exchange(Ask(requests: 2, minCost: 1m), usage: [new KeySettlement("fake/a", 1, 1, 1m, true)]);
        a.Returns.Add(new KeyGrantReturn(grant.GrantId, 2, 0));
        a.Exchange(null, settled: 1m, budgetReturned: 0m);
        Assert.Equal(1m, limiter.Spent);

        var replayed = a.Replay(null);
        Assert.True(replayed.Replayed);
        Assert.Equal(1m, limiter.Spent);
        Assert.Equal(2, limiter.RequestsInWindow);
    }

    [Fact]
    public void Exchange_BudgetPeriodEnds_HoldsOfTheOldPeriodCountNoMore_AndTheirSpendIsNotCharged()
    {
        var limiter = Limiter(new KeyLimits(MaxBudget: 1m, BudgetDuration: TimeSpan.FromHours(1)));
        var a = new Frontend(limiter, "a");
        a.Exchange(Ask(minCost: 1m));
        _time.Advance(TimeSpan.FromMinutes(5));
        var refused = new Frontend(limiter, "b").Exchange(Ask(minCost: 0.5m));
        Assert.Equal(KeyLimitKind.Budget, refused.Refused);
        Assert.Equal(55 * 60, refused.RetryAfterSeconds);

        a.Exchange(null, inFlight: 1);
        _time.Advance(TimeSpan.FromMinutes(55));
        Assert.Equal(0m, limiter.BudgetCommitted);
        var fresh = a.Exchange(Ask(minCost: 1m), settled: 0.6m, period: 0);
        Assert.Equal(1, fresh.BudgetPeriod);
        Assert.Equal(0m, limiter.Spent);
        Assert.Equal(1m, limiter.BudgetCommitted);
    }

    [Fact]
    public void Exchange_RevokedKey_AppliesTheReportButGrantsNothing()
    {
        var limiter = Limiter(new KeyLimits(MaxBudget: 1m));
        var grant = limiter.Exchange(new KeyGrantRequest("a", 1, [], [], 0, 0m, 0m, 0, 0, Ask(minCost: 0.5m)));
        Assert.True(grant.Granted);
        var revoked = limiter.Exchange(new KeyGrantRequest("a", 2, [], [], 0, 0.5m, 0m, 0, 0, Ask()), revoked: true);
        Assert.Equal(KeyLimitKind.Revoked, revoked.Refused);
        Assert.Equal(0.5m, limiter.Spent);
    }
}
