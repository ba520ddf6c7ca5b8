using Microsoft.Extensions.Logging.Abstractions;
using OrleansGateway.Keys;

namespace OrleansGateway.Tests.Keys;

/// <summary>
/// Two frontends' allowances (<see cref="KeyAllowance"/>, as two gateway processes hold them) against one
/// key grain in an in-process cluster under a fake clock: concurrent requests racing through both admit
/// exactly the rpm, max_parallel_requests and budget; a steady stream is admitted with few exchanges; an
/// expired allowance's unused part and a released request's tokens go back to the grain; settled spend and
/// usage reach it.
/// </summary>
public sealed class KeyAllowanceTests(KeyClusterFixture fixture) : IClassFixture<KeyClusterFixture>, IDisposable
{
    private static readonly ImmutableArray<byte> s_hash = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];
    private readonly List<KeyAllowance> _allowances = [];

    public void Dispose()
    {
        foreach (var allowance in _allowances)
        {
            allowance.Dispose();
        }
    }

    private async Task<(IKeyGrain Grain, KeyAllowance A, KeyAllowance B)> CreateAsync(int? rpm = null, long? tpm = null, int? parallel = null, decimal? budget = null)
    {
        var id = "key-" + Guid.NewGuid().ToString("N");
        var grain = fixture.Client.GetGrain<IKeyGrain>(id);
        await grain.CreateAsync(new VirtualKeySettings("team", [], rpm, tpm, parallel, budget, null, null, null), s_hash);
        var a = new KeyAllowance(grain, id, "frontend-a", fixture.Time, NullLogger.Instance);
        var b = new KeyAllowance(grain, id, "frontend-b", fixture.Time, NullLogger.Instance);
        _allowances.Add(a);
        _allowances.Add(b);
        return (grain, a, b);
    }

    /// <summary><paramref name="count"/> admissions started at once, alternating between the two frontends.</summary>
    private static async Task<(KeyAllowance Allowance, KeyTicket? Ticket, KeyGrant? Refusal)[]> RaceAsync(KeyAllowance a, KeyAllowance b, int count, long tokens = 10, decimal cost = 0m)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = Enumerable.Range(0, count).Select(async i =>
        {
            await start.Task;
            var allowance = i % 2 == 0 ? a : b;
            var (ticket, refusal) = await allowance.AdmitAsync(tokens, cost);
            return (allowance, ticket, refusal);
        }).ToList();
        start.SetResult();
        return await Task.WhenAll(calls);
    }

    [Fact]
    public async Task AdmitAsync_ConcurrentRequestsThroughTwoFrontends_AdmitExactlyTheRpm()
    {
        var (_, a, b) = await CreateAsync(rpm: 25);
        var results = await RaceAsync(a, b, 200);

        Assert.Equal(25, results.Count(r => r.Ticket is not null));
        Assert.All(results.Where(r => r.Ticket is null), r => Assert.Equal(KeyLimitKind.Requests, r.Refusal!.Refused));
        Assert.All(results.Where(r => r.Ticket is null), r => Assert.InRange(r.Refusal!.RetryAfterSeconds!.Value, 1, 61));
    }

    [Fact]
    public async Task AdmitAsync_ConcurrentRequestsThroughTwoFrontends_HoldExactlyMaxParallel_AndSlotsComeBack()
    {
        var (grain, a, b) = await CreateAsync(parallel: 3);
        var first = await RaceAsync(a, b, 50);
        var admitted = first.Where(r => r.Ticket is not null).ToList();
        Assert.Equal(3, admitted.Count);
        Assert.All(first.Where(r => r.Ticket is null), r => Assert.Equal(KeyLimitKind.Parallel, r.Refusal!.Refused));

        foreach (var (allowance, ticket, _) in admitted)
        {
            allowance.Complete(ticket!, null);
        }

        // The free slots go back when the allowances expire; then the other frontend can take them too.
        fixture.Time.Advance(TimeSpan.FromSeconds(2));
        await Eventually.UntilAsync(async () => (await grain.GetAsync())!.InFlight == 0, "the slots to be returned", TimeSpan.FromSeconds(10));
        var second = await RaceAsync(a, b, 50);
        Assert.Equal(3, second.Count(r => r.Ticket is not null));
    }

    [Fact]
    public async Task AdmitAsync_ConcurrentRequestsAgainstABudget_NeverOvershoot_AndSettledSpendReachesTheGrain()
    {
        var (grain, a, b) = await CreateAsync(budget: 10m);
        var first = await RaceAsync(a, b, 40, cost: 1m);
        var admitted = first.Where(r => r.Ticket is not null).ToList();
        Assert.Equal(10, admitted.Count);
        Assert.All(first.Where(r => r.Ticket is null), r => Assert.Equal(KeyLimitKind.Budget, r.Refusal!.Refused));

        foreach (var (allowance, ticket, _) in admitted)
        {
            allowance.Complete(ticket!, new KeySettlement("fake/fake-model", 3, 2, 0.5m, true));
        }

        await a.FlushAsync();
        await b.FlushAsync();
        var view = await grain.GetAsync();
        Assert.Equal(5m, view!.Spend);
        var usage = Assert.Single(await grain.GetUsageAsync());
        Assert.Equal((10L, 30L, 20L, 5m), (usage.Requests, usage.InputTokens, usage.OutputTokens, usage.Spend));

        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        var second = await RaceAsync(a, b, 40, cost: 1m);
        Assert.Equal(5, second.Count(r => r.Ticket is not null));
    }

    [Fact]
    public async Task AdmitAndComplete_ManyThreadsAgainstSmallLimits_NeverExceedThem_AndEveryEndingReachesTheGrain()
    {
        // Endings are applied lock-free from a queue (KeyAllowance.Complete): threads admitting and ending
        // requests at once through both frontends must never hold more than max_parallel_requests, admit more
        // than the rpm or overspend the budget, and every ending must be counted once.
        const int parallel = 4, rpm = 150, threads = 8, attempts = 300;
        var (grain, a, b) = await CreateAsync(rpm: rpm, parallel: parallel, budget: 10m);
        var inFlight = 0;
        var peak = 0;
        var admitted = 0;
        using var start = new ManualResetEventSlim();
        var workers = Enumerable.Range(0, threads).Select(t => Task.Factory.StartNew(() =>
        {
            start.Wait();
            var allowance = t % 2 == 0 ? a : b;
            for (var i = 0; i < attempts; i++)
            {
                var (ticket, refusal) = allowance.AdmitAsync(10, 0.05m).AsTask().GetAwaiter().GetResult();
                if (ticket is null)
                {
                    Assert.NotNull(refusal);
                    continue;
                }

                Interlocked.Increment(ref admitted);
                var now = Interlocked.Increment(ref inFlight);
                InterlockedMax(ref peak, now);
                Thread.SpinWait(200);
                Interlocked.Decrement(ref inFlight);
                allowance.Complete(ticket, i % 3 == 0 ? null : new KeySettlement("fake/fake-model", 6, 4, 0.05m, true));
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToList();
        start.Set();
        await Task.WhenAll(workers);

        Assert.InRange(peak, 1, parallel);
        Assert.InRange(admitted, parallel, rpm);
        await a.FlushAsync();
        await b.FlushAsync();
        var view = (await grain.GetAsync())!;
        Assert.Equal(admitted, view.RequestsInWindow);
        Assert.Equal(0, view.InFlight);
        Assert.InRange(view.Spend, 0m, 10m);
        Assert.Equal(view.Spend, (await grain.GetUsageAsync()).Sum(u => u.Spend));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current && Interlocked.CompareExchange(ref target, value, current) is var seen && seen != current)
        {
            current = seen;
        }
    }

    [Fact]
    public async Task AdmitAsync_SteadyStream_IsAdmittedWithFewExchanges()
    {
        var (grain, a, _) = await CreateAsync(rpm: 1_000_000, tpm: 100_000_000, parallel: 100, budget: 1_000_000m);
        const int requests = 2000;
        for (var i = 0; i < requests; i++)
        {
            var (ticket, refusal) = await a.AdmitAsync(100, 0.001m);
            Assert.True(ticket is not null, $"request {i}: {refusal}");
            a.Complete(ticket!, new KeySettlement("fake/fake-model", 50, 40, 0.0009m, true));
            fixture.Time.Advance(TimeSpan.FromMilliseconds(1));
        }

        // 2 s of requests: about two renewals per second of allowance life, plus the first few while the allowance grows.
        Assert.True(a.Exchanges <= 30, $"{a.Exchanges} exchanges with the key grain for {requests} requests");
        await a.FlushAsync();
        Assert.Equal(requests, (await grain.GetUsageAsync()).Sum(u => u.Requests));
        Assert.Equal(requests, (await grain.GetAsync())!.RequestsInWindow);
    }

    [Fact]
    public async Task Allowance_Expired_ItsUnusedPartGoesBackToTheGrainByItself()
    {
        var (grain, a, _) = await CreateAsync(rpm: 100);
        for (var i = 0; i < 8; i++)
        {
            var (ticket, _) = await a.AdmitAsync(1, 0m);
            a.Complete(ticket!, null);
        }

        // The allowance has grown beyond what was used: the grain counts it whole until it comes back.
        Assert.True((await grain.GetAsync())!.RequestsInWindow > 8);
        fixture.Time.Advance(KeyLimiter.DefaultAllowanceLife);
        await Eventually.UntilAsync(async () => (await grain.GetAsync())!.RequestsInWindow == 8, "the unused requests to come back", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Complete_Released_GivesTheTokensBack_ButTheRequestStaysCounted()
    {
        var (grain, a, _) = await CreateAsync(rpm: 10, tpm: 1000);
        var (ticket, _) = await a.AdmitAsync(800, 0m);
        Assert.NotNull(ticket);
        a.Complete(ticket!, null);
        await a.FlushAsync();
        var view = await grain.GetAsync();
        Assert.Equal((1L, 0L, 0), (view!.RequestsInWindow, view.TokensInWindow, view.InFlight));
    }

    [Fact]
    public async Task Complete_SettledBelowItsReservation_UnderAnOpenAllowance_FreesTheWindowForTheNextRequest()
    {
        // No time passes (fake clock), so a's allowance stays open and only an exchange can report the settlement.
        // tpm 950: the renewal a starts after its first request (it asks for another 900) never fits.
        var (grain, a, b) = await CreateAsync(tpm: 950);
        var (ticket, _) = await a.AdmitAsync(900, 0m);
        Assert.NotNull(ticket);
        a.Complete(ticket!, new KeySettlement("m", 50, 50, 0m, false));

        // 100 more fit only once the key's window knows the first request used 100 of its 900: the exchange this
        // request makes carries the settlement of the allowance still open.
        var (second, refusal) = await a.AdmitAsync(100, 0m);
        var window = (await grain.GetAsync())!.TokensInWindow;
        Assert.True(second is not null, $"Refused by {refusal?.Refused}: the key's window ({window} tokens) still holds the first request's reservation");
        Assert.True(window <= 100 + 100 + (950 - 200) / 2, $"The key's window holds {window} tokens");
        var (other, otherRefusal) = await b.AdmitAsync(400, 0m);
        Assert.True(other is not null, $"b refused by {otherRefusal?.Refused} ({window} tokens in the window)");
    }

    [Fact]
    public async Task Complete_ManySettledRequests_ReachTheGrainSummedPerModel_WithTheirCountTokensAndSpend()
    {
        var id = "key-" + Guid.NewGuid().ToString("N");
        var grain = fixture.Client.GetGrain<IKeyGrain>(id);
        await grain.CreateAsync(new VirtualKeySettings("team", [], 1000, 1_000_000, 100, 100m, null, null, null), s_hash);
        var recording = new RecordingKeyGrain(grain);
        var allowance = new KeyAllowance(recording, id, "frontend-a", fixture.Time, NullLogger.Instance);
        _allowances.Add(allowance);

        for (var i = 0; i < 50; i++)
        {
            var (ticket, refusal) = await allowance.AdmitAsync(10, 0.01m);
            Assert.True(ticket is not null, $"request {i} refused: {refusal?.Refused}");
            allowance.Complete(ticket!, i % 5 == 0
                ? new KeySettlement("fake/b", 1, 2, 0m, false)
                : new KeySettlement("fake/a", 3, 4, 0.001m, true));
        }

        await allowance.FlushAsync();

        var settled = recording.Requests.SelectMany(r => r.Settled).ToList();
        Assert.True(settled.Count <= 2 * recording.Requests.Count,
            $"expected at most one settlement per model per exchange, got {settled.Count} in {recording.Requests.Count} exchanges");
        var usage = await grain.GetUsageAsync();
        var a = Assert.Single(usage, u => u.Model == "fake/a");
        var b = Assert.Single(usage, u => u.Model == "fake/b");
        Assert.Equal((40L, 120L, 160L, 0.040m, true), (a.Requests, a.InputTokens, a.OutputTokens, a.Spend, a.Priced));
        Assert.Equal((10L, 10L, 20L, 0m, false), (b.Requests, b.InputTokens, b.OutputTokens, b.Spend, b.Priced));
        Assert.Equal(0.040m, (await grain.GetAsync())!.Spend);
    }

    /// <summary>The key's grain as a frontend's allowance calls it, with every exchange kept to look at.</summary>
    private sealed class RecordingKeyGrain(IKeyGrain inner) : IKeyGrain
    {
        public ConcurrentQueue<KeyGrantRequest> Requests { get; } = new();

        public Task<KeyGrant> GrantAsync(KeyGrantRequest request)
        {
            Requests.Enqueue(request);
            return inner.GrantAsync(request);
        }

        public Task<VirtualKeyView> CreateAsync(VirtualKeySettings settings, ImmutableArray<byte> secretHash) => inner.CreateAsync(settings, secretHash);

        public Task<VirtualKeyView?> GetAsync() => inner.GetAsync();

        public Task<VirtualKeyAuth?> GetAuthAsync() => inner.GetAuthAsync();

        public Task<VirtualKeyView?> UpdateAsync(VirtualKeySettings settings) => inner.UpdateAsync(settings);

        public Task<VirtualKeyView?> RevokeAsync() => inner.RevokeAsync();

        public Task<ImmutableArray<KeyUsage>> GetUsageAsync() => inner.GetUsageAsync();
    }
}
