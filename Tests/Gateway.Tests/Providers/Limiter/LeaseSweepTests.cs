using Microsoft.Extensions.Time.Testing;
using OrleansGateway.Providers;

namespace OrleansGateway.Tests.Providers.Limiter;

public sealed class LeaseSweepTests
{
    private static readonly TimeSpan s_ttl = TimeSpan.FromSeconds(3);
    private static readonly SiloAddress s_alive = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1);
    private static readonly SiloAddress s_dead = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11112), 1);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch.AddDays(1));
    private readonly LeaseTable _leases;
    private readonly CircuitBreaker _circuit;
    private readonly LeaseSweep _sweep;

    public LeaseSweepTests()
    {
        _leases = new LeaseTable(s_ttl, _time);
        _circuit = new CircuitBreaker(1, TimeSpan.FromSeconds(10), _time);
        _sweep = new LeaseSweep(_leases, _circuit);
    }

    private static ClusterMember[] Members(SiloStatus deadStatus = SiloStatus.Dead) =>
        [new(s_alive, SiloStatus.Active, "alive"), new(s_dead, deadStatus, "dead")];

    [Fact]
    public void Sweep_NewMembershipVersion_FreesOnlyTheLeasesOfDeadSilos()
    {
        var alive = _leases.Grant(RequestPriority.Interactive, Guid.NewGuid(), s_alive.ToParsableString());
        _leases.Grant(RequestPriority.Batch, Guid.NewGuid(), s_dead.ToParsableString());
        _leases.Grant(RequestPriority.Batch, Guid.NewGuid(), s_dead.ToParsableString());
        var unheld = _leases.Grant(RequestPriority.Interactive, Guid.NewGuid());

        var result = _sweep.Sweep(new MembershipVersion(2), Members());

        Assert.Equal(new LeaseSweepResult(Expired: 0, OfDeadSilos: 2), result);
        Assert.Equal(2, _leases.Count);
        Assert.True(_leases.TryRenew(alive), "the live silo's lease stays");
        Assert.True(_leases.TryRenew(unheld), "a lease without a holder stays until it expires");
    }

    [Fact]
    public void Sweep_SameMembershipVersion_DoesNotLookAgain()
    {
        _leases.Grant(RequestPriority.Interactive, Guid.NewGuid(), s_alive.ToParsableString());
        Assert.Equal(new LeaseSweepResult(0, 0), _sweep.Sweep(new MembershipVersion(2), Members(SiloStatus.Active)));
        _leases.Grant(RequestPriority.Batch, Guid.NewGuid(), s_dead.ToParsableString());

        Assert.Equal(new LeaseSweepResult(0, 0), _sweep.Sweep(new MembershipVersion(2), Members()));
        Assert.Equal(2, _leases.Count);

        Assert.Equal(new LeaseSweepResult(0, 1), _sweep.Sweep(new MembershipVersion(3), Members()));
        Assert.Equal(1, _leases.Count);
    }

    [Fact]
    public void Sweep_NoLeases_LeavesTheVersionUnchecked()
    {
        Assert.Equal(new LeaseSweepResult(0, 0), _sweep.Sweep(new MembershipVersion(2), Members()));
        _leases.Grant(RequestPriority.Batch, Guid.NewGuid(), s_dead.ToParsableString());

        Assert.Equal(new LeaseSweepResult(0, 1), _sweep.Sweep(new MembershipVersion(2), Members()));
    }

    [Fact]
    public void Sweep_LeasesNotRenewed_FreedAsExpired()
    {
        var renewed = _leases.Grant(RequestPriority.Interactive, Guid.NewGuid());
        _leases.Grant(RequestPriority.Batch, Guid.NewGuid());
        _time.Advance(s_ttl / 2);
        Assert.True(_leases.TryRenew(renewed));
        _time.Advance(s_ttl / 2);

        Assert.Equal(new LeaseSweepResult(Expired: 1, OfDeadSilos: 0), _sweep.Sweep(default, []));
        Assert.Equal(1, _leases.Count);
    }

    [Fact]
    public void Sweep_FreedTrialLease_IsAbandonedByTheCircuit()
    {
        var failed = _leases.Grant(RequestPriority.Interactive, Guid.NewGuid());
        Assert.True(_leases.Release(failed));
        Assert.Equal(CircuitState.Open, _circuit.Record(failed, CallOutcome.ProviderFailure));
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(_circuit.TryHalfOpen());
        var trial = _leases.Grant(RequestPriority.Interactive, Guid.NewGuid(), s_dead.ToParsableString());
        _circuit.StartTrial(trial);

        _sweep.Sweep(new MembershipVersion(2), Members());

        Assert.False(_circuit.TrialTaken, "the trial's holder died: another caller may try");
    }
}
