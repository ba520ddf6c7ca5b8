using Orleans.Concurrency;
using Orleans.Runtime.Placement;
using OrleansGateway.Cluster;
using OrleansGateway.Storage;
using OrleansGateway.Telemetry;

namespace OrleansGateway.Providers;

/// <summary>
/// The lease manager of one provider. Holds <see cref="ProviderOptions.MaxConcurrency"/> across the
/// cluster: grants slots (<see cref="LeaseTable"/>), queues waiters first-in first-out per priority
/// (<see cref="WaiterQueues"/>: interactive ahead of batch, batch keeping its minimum share), expires leases
/// whose holders stopped renewing, and runs the provider's <see cref="CircuitBreaker"/> and
/// <see cref="RecentOutcomes"/>. Reentrant: releases and renewals interleave with waiting acquires.
/// A clean deactivation writes the lease table (with the callers' request ids) to grain storage and the next
/// activation adopts it at once; when its silo stops, the grain answers its waiters "ask again" and migrates
/// to another active silo (<see cref="PrepareToMoveAsync"/>), so no waiter holds its deactivation up.
/// </summary>
[Reentrant]
public sealed partial class ProviderGrain(
    [PersistentState("provider", GatewayStorage.Name)] IPersistentState<ProviderGrainState> state,
    ProviderClientRegistry registry,
    ProviderGrainMoves moves,
    IClusterMembershipService membership,
    GatewayMetrics metrics,
    TimeProvider time,
    ILogger<ProviderGrain> logger) : Grain, IProviderGrain
{
    private static readonly TimeSpan s_statsWindow = TimeSpan.FromSeconds(60);

    private readonly WaiterQueues _waiters = new();
    private readonly RecentOutcomes _recent = new(s_statsWindow, time);
    private LeaseTable _leases = null!;
    private CircuitBreaker _circuit = null!;
    private LeaseSweep _sweep = null!;
    private ProviderCapacity _capacity = null!;
    private ProviderOptions? _options;
    private string _name = string.Empty;
    private bool _moving;
    private IDisposable? _gauges;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _name = this.GetPrimaryKeyString();
        _options = registry.FindOptions(_name);
        _leases = new LeaseTable(TimeSpan.FromSeconds(_options?.LeaseTtlSeconds ?? 30), time);
        _circuit = new CircuitBreaker(
            _options?.CircuitFailureThreshold ?? int.MaxValue, TimeSpan.FromSeconds(_options?.CircuitCooldownSeconds ?? 30), time);
        _sweep = new LeaseSweep(_leases, _circuit);
        _capacity = new ProviderCapacity(_options, _leases, _circuit, _waiters);
        var restored = _leases.Restore(state.State, state.RecordExists);
        var writing = time.GetTimestamp();
        await state.WriteStateAsync(cancellationToken);
        switch (restored)
        {
            case true:
                // Their holders keep renewing them here; a caller whose grant was lost in the move gets the same lease again.
                Log.LeasesHandedOver(logger, _name, _leases.Count, time.GetElapsedTime(writing).TotalMilliseconds);
                break;
            case false:
                Log.Recovering(logger, _name, _leases.TimeToLive);
                break;
        }
        moves.Activated(_name, this.AsReference<IProviderGrain>());
        _gauges = metrics.TrackProvider(_name, _capacity.GaugeReading);
        if (moves.IsStopping)
        {
            // Placed on a silo that is already stopping: go on at once to the next one.
            _moving = true;
            this.DeactivateOnIdle();
        }

        var period = TimeSpan.FromMilliseconds(Math.Max(100, _leases.TimeToLive.TotalMilliseconds / 4));
        this.RegisterGrainTimer(_ => { SweepAndDispatch(); return Task.CompletedTask; }, (object?)null,
            new GrainTimerCreationOptions { DueTime = period, Period = period, Interleave = true, KeepAlive = false });
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        moves.Deactivated(_name);
        _gauges?.Dispose();
        if (reason.ReasonCode == DeactivationReasonCode.ShuttingDown && !moves.HandsOverAtShutdown)
        {
            // Embedded mode: the process ends and its in-memory storage with it; a write now would only fail.
            return;
        }

        // Orleans runs this once nothing else runs on the activation and holds new calls until it is done,
        // so no lease is granted after this table is taken. Hand the live leases to the next activation,
        // so a graceful move (a silo shutting down, a rolling deploy) keeps the count without a recovery window.
        SweepExpired();
        _leases.HandOver(state.State);
        var writing = time.GetTimestamp();
        await state.WriteStateAsync(cancellationToken);
        Log.LeasesHandingOver(logger, _name, _leases.Count, reason.ReasonCode, time.GetElapsedTime(writing).TotalMilliseconds);
    }

    public async Task<LeaseResult> AcquireAsync(LeaseRequest request, CancellationToken cancellationToken = default)
    {
        if (_options is null)
        {
            return LeaseResult.Refuse(ProviderErrors.UnknownProvider(_name));
        }

        SweepExpired();
        if (_leases.TryFindByRequest(request.RequestId, out var granted))
        {
            // Asked again for a slot already granted (the answer was lost, e.g. while this grain moved): the same lease.
            return LeaseResult.Grant(granted, _leases.TimeToLive);
        }

        if (_circuit.TryHalfOpen())
        {
            Log.CircuitHalfOpen(logger, _name);
        }

        if (_circuit.RefusesFor > TimeSpan.Zero)
        {
            return LeaseResult.Refuse(CircuitOpenError(_circuit.RefusesFor));
        }

        if (_circuit.State == CircuitState.HalfOpen)
        {
            // One trial request decides whether the provider is back.
            if (_circuit.TrialTaken || _capacity.FreeSlots <= 0 || _leases.IsRecovering)
            {
                return LeaseResult.Refuse(CircuitOpenError(TimeSpan.FromSeconds(1)));
            }

            var trial = _capacity.Grant(request.Priority, request.RequestId, request.Holder, _moving);
            _circuit.StartTrial(trial.LeaseId);
            return trial;
        }

        if (_capacity.GrantsAtOnce)
        {
            return _capacity.Grant(request.Priority, request.RequestId, request.Holder, _moving);
        }

        if (_moving)
        {
            // A waiter would hold this activation's deactivation up: the caller asks the next activation.
            return LeaseResult.Moving(LimiterErrors.Moving(_name));
        }

        if (_waiters.Count >= _options.MaxQueue)
        {
            return LeaseResult.Refuse(LimiterErrors.QueueFull(_name, _capacity.MaxConcurrency, _options.MaxQueue));
        }

        return await WaitAsync(request, TimeSpan.FromSeconds(_options.QueueTimeoutSeconds), cancellationToken);
    }

    /// <summary>Queues the caller until a slot is dispatched to it, its queue timeout passes or it goes away.</summary>
    private async Task<LeaseResult> WaitAsync(LeaseRequest request, TimeSpan wait, CancellationToken cancellationToken)
    {
        var (result, shared) = await _waiters.WaitAsync(request.Priority, request.RequestId, request.Holder, wait, time, cancellationToken);
        if (result is null)
        {
            return LeaseResult.Refuse(cancellationToken.IsCancellationRequested
                ? LimiterErrors.CallerWentAway(_name)
                : LimiterErrors.QueueTimeout(_name, wait, _capacity.MaxConcurrency));
        }

        if (result.Granted && cancellationToken.IsCancellationRequested && !shared)
        {
            // Granted as the caller went away (and no other ask of the same request waits on it): nobody would ever
            // release it, so give it back now.
            _leases.Remove(result.LeaseId);
            Dispatch();
            return LeaseResult.Refuse(LimiterErrors.CallerWentAway(_name));
        }

        return result;
    }

    public Task<bool> RenewAsync(long leaseId)
    {
        SweepExpired();
        return Task.FromResult(_leases.TryRenew(leaseId));
    }

    public Task ReleaseAsync(long leaseId, CallOutcome outcome)
    {
        ReleaseOne(leaseId, outcome);
        SweepAndDispatch();
        return Task.CompletedTask;
    }

    public Task<bool> CheckInAsync(long[] returnedLeaseIds, int successes)
    {
        foreach (var leaseId in returnedLeaseIds)
        {
            ReleaseOne(leaseId, CallOutcome.Neutral);
        }

        if (successes > 0)
        {
            // Calls made on kept slots, which never came back to be released one by one.
            _recent.Add(success: true, successes);
            _circuit.RecordSuccesses();
        }

        SweepAndDispatch();
        return Task.FromResult(_capacity.HasRoomToSpare(_moving));
    }

    public Task PrepareToMoveAsync()
    {
        _moving = true;
        _waiters.AnswerAll(LeaseResult.Moving(LimiterErrors.Moving(_name)));

        // Move now, to an active silo other than this one, rather than when Orleans deactivates this silo's
        // grains (after the silo has drained its streams): callers asked to ask again reach it within moments.
        if (PooledGrainMoves.OtherActiveSilo(membership, GrainContext.Address.SiloAddress) is { } target)
        {
            GrainContext.Migrate(new Dictionary<string, object> { [IPlacementDirector.PlacementHintKey] = target });
        }

        return Task.CompletedTask;
    }

    public Task<ProviderStatus> GetStatusAsync()
    {
        SweepExpired();
        return Task.FromResult(_capacity.Status(_name, _recent));
    }

    private void ReleaseOne(long leaseId, CallOutcome outcome)
    {
        if (!_leases.Release(leaseId))
        {
            return;
        }

        if (outcome != CallOutcome.Neutral)
        {
            _recent.Add(outcome == CallOutcome.Success);
        }

        switch (_circuit.Record(leaseId, outcome))
        {
            case CircuitState.Closed:
                Log.CircuitClosed(logger, _name);
                break;
            case CircuitState.Open:
                Log.CircuitOpened(logger, _name, _circuit.ConsecutiveFailures);
                FailWaitersIfOpen();
                break;
        }
    }

    private void SweepAndDispatch()
    {
        SweepExpired();
        Dispatch();
    }

    /// <summary>Gives free slots to waiters: interactive first, unless batch is below its minimum share.</summary>
    private void Dispatch()
    {
        if (_leases.IsRecovering || _circuit.State != CircuitState.Closed)
        {
            FailWaitersIfOpen();
            return;
        }

        _capacity.GrantToWaiters(_moving);
    }

    private void FailWaitersIfOpen()
    {
        if (_circuit.RefusesFor is { } left && left > TimeSpan.Zero)
        {
            _waiters.AnswerAll(LeaseResult.Refuse(CircuitOpenError(left)));
        }
    }

    /// <summary>Frees the slots of leases whose holders are gone (<see cref="LeaseSweep"/>).</summary>
    private void SweepExpired()
    {
        var snapshot = membership.CurrentSnapshot;
        var (expired, ofDeadSilos) = _sweep.Sweep(snapshot.Version, snapshot.Members.Values);
        if (ofDeadSilos > 0)
        {
            Log.LeasesOfDeadSilosFreed(logger, _name, ofDeadSilos);
        }

        if (expired > 0)
        {
            Log.LeasesExpired(logger, _name, expired);
        }
    }

    private GatewayError CircuitOpenError(TimeSpan retryAfter) => LimiterErrors.CircuitOpen(_name, _circuit.ConsecutiveFailures, retryAfter);
}
