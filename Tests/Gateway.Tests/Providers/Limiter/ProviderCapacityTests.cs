using Microsoft.Extensions.Time.Testing;
using OrleansGateway.Errors;
using OrleansGateway.Providers;
using OrleansGateway.Telemetry;

namespace OrleansGateway.Tests.Providers.Limiter;

public sealed class ProviderCapacityTests
{
    private static readonly TimeSpan s_ttl = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch.AddDays(1));
    private readonly LeaseTable _leases;
    private readonly CircuitBreaker _circuit;
    private readonly WaiterQueues _waiters = new();

    public ProviderCapacityTests()
    {
        _leases = new LeaseTable(s_ttl, _time);
        _circuit = new CircuitBreaker(1, TimeSpan.FromSeconds(10), _time);
    }

    private ProviderCapacity Capacity(int maxConcurrency = 16, double batchMinShare = 0.2, int leaseReuseMilliseconds = 100) =>
        new(new ProviderOptions { MaxConcurrency = maxConcurrency, BatchMinShare = batchMinShare, LeaseReuseMilliseconds = leaseReuseMilliseconds },
            _leases, _circuit, _waiters);

    private void Hold(int leases)
    {
        for (var i = 0; i < leases; i++)
        {
            _leases.Grant(RequestPriority.Interactive, Guid.NewGuid());
        }
    }

    [Fact]
    public void UnknownProvider_HasNoSlots()
    {
        var capacity = new ProviderCapacity(null, _leases, _circuit, _waiters);

        Assert.Equal((0, 0, 0), (capacity.MaxConcurrency, capacity.FreeSlots, capacity.BatchReserved));
        Assert.False(capacity.GrantsAtOnce);
        Assert.False(capacity.HasRoomToSpare(moving: false));
    }

    [Theory]
    [InlineData(16, 0.2, 4)]
    [InlineData(10, 0.25, 3)]
    [InlineData(8, 0.0, 0)]
    public void BatchReserved_IsTheMinimumShareRoundedUp(int maxConcurrency, double share, int expected) =>
        Assert.Equal(expected, Capacity(maxConcurrency, share).BatchReserved);

    [Fact]
    public void GrantsAtOnce_OnlyWithAFreeSlotAndNobodyWaiting()
    {
        var capacity = Capacity(maxConcurrency: 2);
        Hold(1);
        Assert.True(capacity.GrantsAtOnce);
        Assert.Equal(1, capacity.FreeSlots);

        _waiters.Enqueue(RequestPriority.Batch, Guid.NewGuid());
        Assert.False(capacity.GrantsAtOnce, "a waiter is served first");

        _waiters.AnswerAll(LeaseResult.Refuse(new GatewayError(GatewayErrorKind.QueueFull, "full")));
        Hold(1);
        Assert.False(capacity.GrantsAtOnce, "every slot is held");
    }

    [Theory]
    [InlineData(16, 12, true)]
    [InlineData(16, 13, false)]
    [InlineData(4, 2, true)]
    [InlineData(4, 3, false)]
    public void HasRoomToSpare_NeedsAQuarterOfTheSlotsAndAtLeastTwoFree(int maxConcurrency, int held, bool expected)
    {
        var capacity = Capacity(maxConcurrency);
        Hold(held);

        Assert.Equal(expected, capacity.HasRoomToSpare(moving: false));
    }

    [Fact]
    public void HasRoomToSpare_FalseWhileMovingWaitingOrWithoutReuse()
    {
        Assert.False(Capacity(leaseReuseMilliseconds: 0).HasRoomToSpare(moving: false), "reuse is off");

        var capacity = Capacity();
        Assert.True(capacity.HasRoomToSpare(moving: false));
        Assert.False(capacity.HasRoomToSpare(moving: true), "a moving grain keeps no slot aside");

        _waiters.Enqueue(RequestPriority.Interactive, Guid.NewGuid());
        Assert.False(capacity.HasRoomToSpare(moving: false), "somebody waits");
    }

    [Fact]
    public void HasRoomToSpare_FalseUnlessTheCircuitIsClosed()
    {
        var capacity = Capacity();
        var failed = _leases.Grant(RequestPriority.Interactive, Guid.NewGuid());
        _leases.Release(failed);
        Assert.Equal(CircuitState.Open, _circuit.Record(failed, CallOutcome.ProviderFailure));

        Assert.False(capacity.HasRoomToSpare(moving: false));
    }

    [Fact]
    public void Grant_InteractiveSaysRoomToSpare_BatchNever()
    {
        var capacity = Capacity();

        var interactive = capacity.Grant(RequestPriority.Interactive, Guid.NewGuid(), "silo", moving: false);
        var batch = capacity.Grant(RequestPriority.Batch, Guid.NewGuid(), "silo", moving: false);

        Assert.True(interactive.Granted && interactive.RoomToSpare);
        Assert.True(batch.Granted);
        Assert.False(batch.RoomToSpare);
        Assert.Equal(s_ttl, interactive.TimeToLive);
        Assert.Equal((2, 1), (_leases.Count, _leases.BatchCount));
    }

    [Fact]
    public async Task GrantToWaiters_FillsTheFreeSlots_BatchFirstBelowItsShare()
    {
        var capacity = Capacity(maxConcurrency: 5, batchMinShare: 0.2);
        Hold(3);
        var interactive = _waiters.Enqueue(RequestPriority.Interactive, Guid.NewGuid());
        var batch = _waiters.Enqueue(RequestPriority.Batch, Guid.NewGuid());
        var lastInteractive = _waiters.Enqueue(RequestPriority.Interactive, Guid.NewGuid());

        capacity.GrantToWaiters(moving: false);

        Assert.True((await batch.Completion.Task).Granted, "batch holds none of its one reserved slot");
        Assert.True((await interactive.Completion.Task).Granted);
        Assert.False(lastInteractive.Completion.Task.IsCompleted, "no slot was left");
        Assert.Equal((5, 1), (_leases.Count, _leases.BatchCount));
        Assert.Equal(1, _waiters.Count);
    }

    [Fact]
    public void StatusAndGaugeReading_CountLeasesWaitersAndTheCircuit()
    {
        var capacity = Capacity(maxConcurrency: 8);
        Hold(3);
        _waiters.Enqueue(RequestPriority.Interactive, Guid.NewGuid());
        _waiters.Enqueue(RequestPriority.Batch, Guid.NewGuid());
        _waiters.Enqueue(RequestPriority.Batch, Guid.NewGuid());
        var recent = new RecentOutcomes(TimeSpan.FromSeconds(60), _time);
        recent.Add(success: true, 4);
        recent.Add(success: false);

        Assert.Equal(new ProviderStatus("openai", 8, 3, 1, 2, 4, 1, "closed"), capacity.Status("openai", recent));
        Assert.Equal(new ProviderGaugeReading(8, 3, 1, 2, CircuitState.Closed), capacity.GaugeReading());
    }
}
