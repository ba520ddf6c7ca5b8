using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Runtime.Placement;
using OrleansGateway.Chat;
using OrleansGateway.Errors;
using OrleansGateway.Storage;

namespace OrleansGateway.Providers;

/// <summary>
/// The lease manager of one provider. Holds <see cref="ProviderOptions.MaxConcurrency"/> across the
/// cluster: grants slots, queues waiters first-in first-out per priority (interactive ahead of batch,
/// batch keeping its minimum share), expires leases whose holders stopped renewing, and runs the
/// provider's circuit breaker. Reentrant: releases and renewals interleave with waiting acquires.
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
    TimeProvider time,
    ILogger<ProviderGrain> logger) : Grain, IProviderGrain
{
    private static readonly TimeSpan s_statsWindow = TimeSpan.FromSeconds(60);

    private readonly Dictionary<long, Lease> _leases = [];
    private readonly Dictionary<Guid, long> _leaseOfRequest = [];
    private readonly LinkedList<Waiter> _interactiveQueue = new();
    private readonly LinkedList<Waiter> _batchQueue = new();
    private readonly Queue<(DateTimeOffset At, bool Success)> _recent = new();
    private readonly HashSet<long> _releasedWhileRecovering = [];
    private ProviderOptions? _options;
    private string _name = string.Empty;
    private long _nextLeaseId;
    private int _batchInFlight;
    private DateTimeOffset _recoveringUntil;
    private CircuitState _circuit = CircuitState.Closed;
    private int _consecutiveFailures;
    private DateTimeOffset _openUntil;
    private long? _trialLeaseId;
    private int _recentSuccesses;
    private int _recentFailures;
    private bool _moving;

    private int MaxConcurrency => _options?.MaxConcurrency ?? 0;

    private TimeSpan LeaseTtl => TimeSpan.FromSeconds(_options?.LeaseTtlSeconds ?? 30);

    private int FreeSlots => MaxConcurrency - _leases.Count;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _name = this.GetPrimaryKeyString();
        _options = registry.FindOptions(_name);
        var now = time.GetUtcNow();
        // Lease ids are unique across activations: time-based high bits, priority in the lowest bit.
        _nextLeaseId = now.ToUnixTimeMilliseconds() << 12;
        if (state.RecordExists && state.State.MayHaveLeases)
        {
            if (state.State.EndedCleanly)
            {
                // The last activation handed its leases over: their holders keep renewing them here, and a
                // caller whose grant was lost in the move gets the same lease when it asks again.
                var leases = state.State.HandedOverLeases;
                var requests = state.State.HandedOverRequests;
                for (var i = 0; i < leases.Length; i++)
                {
                    Adopt(leases[i], i < requests.Length ? requests[i] : Guid.Empty, now);
                    _nextLeaseId = Math.Max(_nextLeaseId, leases[i] & ~1L);
                }

                Log.LeasesHandedOver(logger, _name, leases.Length);
            }
            else
            {
                // The last activation ended without a clean shutdown: holders may still be calling.
                // Renewals (every third of the time-to-live) rebuild the count before new slots are given.
                _recoveringUntil = now + LeaseTtl;
                Log.Recovering(logger, _name, LeaseTtl);
            }
        }

        state.State.MayHaveLeases = true;
        state.State.EndedCleanly = false;
        state.State.HandedOverLeases = [];
        state.State.HandedOverRequests = [];
        state.State.ActivatedAt = now;
        await state.WriteStateAsync(cancellationToken);
        moves.Activated(_name, this.AsReference<IProviderGrain>());
        if (moves.IsStopping)
        {
            // Placed on a silo that is already stopping: go on at once to the next one.
            _moving = true;
            this.DeactivateOnIdle();
        }

        var period = TimeSpan.FromMilliseconds(Math.Max(100, LeaseTtl.TotalMilliseconds / 4));
        this.RegisterGrainTimer(_ => { Sweep(); return Task.CompletedTask; }, (object?)null,
            new GrainTimerCreationOptions { DueTime = period, Period = period, Interleave = true, KeepAlive = false });
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        moves.Deactivated(_name);
        if (reason.ReasonCode == DeactivationReasonCode.ShuttingDown && !moves.HandsOverAtShutdown)
        {
            // Embedded mode: the process ends and its in-memory storage with it; a write now would only fail.
            return;
        }

        // Orleans runs this once nothing else runs on the activation and holds new calls until it is done,
        // so no lease is granted after this table is taken. Hand the live leases to the next activation,
        // so a graceful move (a silo shutting down, a rolling deploy) keeps the count without a recovery window.
        SweepExpired(time.GetUtcNow());
        var leases = new long[_leases.Count];
        var requests = new Guid[_leases.Count];
        var i = 0;
        foreach (var (id, lease) in _leases)
        {
            leases[i] = id;
            requests[i] = lease.RequestId;
            i++;
        }

        state.State.MayHaveLeases = leases.Length > 0;
        state.State.EndedCleanly = true;
        state.State.HandedOverLeases = leases;
        state.State.HandedOverRequests = requests;
        await state.WriteStateAsync(cancellationToken);
    }

    public async Task<LeaseResult> AcquireAsync(LeaseRequest request, CancellationToken cancellationToken = default)
    {
        if (_options is null)
        {
            return LeaseResult.Refuse(new GatewayError(GatewayErrorKind.NotFound, $"Unknown provider '{_name}'.") { Provider = _name });
        }

        var now = time.GetUtcNow();
        SweepExpired(now);
        if (request.RequestId != Guid.Empty && _leaseOfRequest.TryGetValue(request.RequestId, out var granted))
        {
            // Asked again for a slot already granted (the answer was lost, e.g. while this grain moved): the same lease.
            _leases[granted] = _leases[granted] with { ExpiresAt = now + LeaseTtl };
            return LeaseResult.Grant(granted, LeaseTtl);
        }

        if (CircuitRefusal(now) is { } refusal)
        {
            return LeaseResult.Refuse(refusal);
        }

        if (_circuit == CircuitState.HalfOpen)
        {
            // One trial request decides whether the provider is back.
            if (_trialLeaseId is not null || FreeSlots <= 0 || now < _recoveringUntil)
            {
                return LeaseResult.Refuse(CircuitOpenError(TimeSpan.FromSeconds(1)));
            }

            var trial = Grant(request.Priority, request.RequestId, now);
            _trialLeaseId = trial.LeaseId;
            return trial;
        }

        if (FreeSlots > 0 && now >= _recoveringUntil && _interactiveQueue.Count == 0 && _batchQueue.Count == 0)
        {
            return Grant(request.Priority, request.RequestId, now);
        }

        if (_moving)
        {
            // A waiter would hold this activation's deactivation up: the caller asks the next activation.
            return LeaseResult.Moving(MovingError());
        }

        if (_interactiveQueue.Count + _batchQueue.Count >= _options.MaxQueue)
        {
            return LeaseResult.Refuse(new GatewayError(GatewayErrorKind.QueueFull,
                $"Provider '{_name}' is at its concurrency limit ({MaxConcurrency}) and its queue is full ({_options.MaxQueue} waiting).")
            { Provider = _name, RetryAfterSeconds = 1 });
        }

        var waiter = new Waiter(request.Priority, request.RequestId);
        var queue = request.Priority == RequestPriority.Batch ? _batchQueue : _interactiveQueue;
        var node = queue.AddLast(waiter);
        var wait = TimeSpan.FromSeconds(_options.QueueTimeoutSeconds);
        using var delayCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(wait, time, delayCancellation.Token);
        await Task.WhenAny(waiter.Completion.Task, delay);
        delayCancellation.Cancel();
        if (waiter.Completion.Task.IsCompleted)
        {
            var result = await waiter.Completion.Task;
            if (result.Granted && cancellationToken.IsCancellationRequested)
            {
                // Granted as the caller went away: nobody would ever release it, so give it back now.
                ForgetLease(result.LeaseId);
                Dispatch(time.GetUtcNow());
                return LeaseResult.Refuse(new GatewayError(GatewayErrorKind.Cancelled, "The caller went away while waiting for a slot.") { Provider = _name });
            }

            return result;
        }

        if (node.List is not null)
        {
            queue.Remove(node);
        }

        waiter.Completion.TrySetCanceled();
        if (cancellationToken.IsCancellationRequested)
        {
            return LeaseResult.Refuse(new GatewayError(GatewayErrorKind.Cancelled, "The caller went away while waiting for a slot.") { Provider = _name });
        }

        return LeaseResult.Refuse(new GatewayError(GatewayErrorKind.QueueFull,
            $"Provider '{_name}' had no free slot within {wait.TotalSeconds:0.#} s (limit {MaxConcurrency}).")
        { Provider = _name, RetryAfterSeconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds / 10)) });
    }

    public Task<bool> RenewAsync(long leaseId)
    {
        var now = time.GetUtcNow();
        SweepExpired(now);
        if (_leases.TryGetValue(leaseId, out var lease))
        {
            _leases[leaseId] = lease with { ExpiresAt = now + LeaseTtl };
            return Task.FromResult(true);
        }

        // A lease from an earlier activation: adopt it while recovering. Outside recovery an unknown
        // lease has expired or been released, and its slot may already be someone else's.
        if (now < _recoveringUntil && !_releasedWhileRecovering.Contains(leaseId))
        {
            Adopt(leaseId, Guid.Empty, now);
            return Task.FromResult(true);
        }

        return Task.FromResult(false);
    }

    public Task ReleaseAsync(long leaseId, CallOutcome outcome)
    {
        var now = time.GetUtcNow();
        ReleaseOne(leaseId, outcome, now);
        SweepExpired(now);
        Dispatch(now);
        return Task.CompletedTask;
    }

    public Task<bool> CheckInAsync(long[] returnedLeaseIds, int successes)
    {
        var now = time.GetUtcNow();
        foreach (var leaseId in returnedLeaseIds)
        {
            ReleaseOne(leaseId, CallOutcome.Neutral, now);
        }

        if (successes > 0)
        {
            // Calls made on kept slots, which never came back to be released one by one.
            CountOutcomes(success: true, successes, now);
            _consecutiveFailures = 0;
        }

        SweepExpired(now);
        Dispatch(now);
        return Task.FromResult(HasRoomToSpare(now));
    }

    /// <summary>
    /// Whether a process may keep a finished request's slot for its next one: the circuit is closed, nobody
    /// waits, and at least a quarter of the slots (and at least two) are free.
    /// </summary>
    private bool HasRoomToSpare(DateTimeOffset now) =>
        _options is { LeaseReuseMilliseconds: > 0 }
        && _circuit == CircuitState.Closed
        && !_moving
        && now >= _recoveringUntil
        && _interactiveQueue.Count == 0
        && _batchQueue.Count == 0
        && FreeSlots >= Math.Max(2, (MaxConcurrency + 3) / 4);

    private void ReleaseOne(long leaseId, CallOutcome outcome, DateTimeOffset now)
    {
        if (now < _recoveringUntil)
        {
            // A renewal racing its own release must not bring the lease back.
            _releasedWhileRecovering.Add(leaseId);
        }
        else if (_releasedWhileRecovering.Count > 0)
        {
            _releasedWhileRecovering.Clear();
        }

        if (ForgetLease(leaseId))
        {
            RecordOutcome(leaseId, outcome, now);
        }
    }

    public Task PrepareToMoveAsync()
    {
        _moving = true;
        var error = MovingError();
        foreach (var queue in new[] { _interactiveQueue, _batchQueue })
        {
            while (queue.First is { } first)
            {
                queue.RemoveFirst();
                first.Value.Completion.TrySetResult(LeaseResult.Moving(error));
            }
        }

        // Move now, to an active silo other than this one, rather than when Orleans deactivates this silo's
        // grains (after the silo has drained its streams): callers asked to ask again reach it within moments.
        var here = GrainContext.Address.SiloAddress;
        var targets = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active && !m.SiloAddress.Equals(here))
            .Select(m => m.SiloAddress)
            .ToArray();
        if (targets.Length > 0)
        {
            GrainContext.Migrate(new Dictionary<string, object> { [IPlacementDirector.PlacementHintKey] = targets[Random.Shared.Next(targets.Length)] });
        }

        return Task.CompletedTask;
    }

    private GatewayError MovingError() =>
        new(GatewayErrorKind.QueueFull, $"Provider '{_name}' is moving to another silo and had no free slot; try again.")
        { Provider = _name, RetryAfterSeconds = 1 };

    public Task<ProviderStatus> GetStatusAsync()
    {
        var now = time.GetUtcNow();
        SweepExpired(now);
        TrimRecent(now);
        var circuit = _circuit == CircuitState.Open && now >= _openUntil ? CircuitState.HalfOpen : _circuit;
        return Task.FromResult(new ProviderStatus(
            _name, MaxConcurrency, _leases.Count, _interactiveQueue.Count, _batchQueue.Count,
            _recentSuccesses, _recentFailures, circuit.ToString().ToLowerInvariant()));
    }

    private void Sweep()
    {
        var now = time.GetUtcNow();
        SweepExpired(now);
        Dispatch(now);
    }

    private void Adopt(long leaseId, Guid requestId, DateTimeOffset now)
    {
        var priority = (RequestPriority)(leaseId & 1);
        if (!_leases.TryAdd(leaseId, new Lease(priority, now + LeaseTtl, requestId)))
        {
            return;
        }

        if (priority == RequestPriority.Batch)
        {
            _batchInFlight++;
        }

        if (requestId != Guid.Empty)
        {
            _leaseOfRequest[requestId] = leaseId;
        }
    }

    private LeaseResult Grant(RequestPriority priority, Guid requestId, DateTimeOffset now)
    {
        _nextLeaseId += 2;
        var id = _nextLeaseId | (long)priority;
        _leases[id] = new Lease(priority, now + LeaseTtl, requestId);
        if (priority == RequestPriority.Batch)
        {
            _batchInFlight++;
        }

        if (requestId != Guid.Empty)
        {
            _leaseOfRequest[requestId] = id;
        }

        return LeaseResult.Grant(id, LeaseTtl, priority == RequestPriority.Interactive && HasRoomToSpare(now));
    }

    /// <summary>Gives free slots to waiters: interactive first, unless batch is below its minimum share.</summary>
    private void Dispatch(DateTimeOffset now)
    {
        if (now < _recoveringUntil || _circuit != CircuitState.Closed)
        {
            FailWaitersIfOpen(now);
            return;
        }

        var batchReserved = (int)Math.Ceiling(MaxConcurrency * (_options?.BatchMinShare ?? 0));
        while (FreeSlots > 0 && (_interactiveQueue.Count > 0 || _batchQueue.Count > 0))
        {
            var takeBatch = _batchQueue.Count > 0 && (_interactiveQueue.Count == 0 || _batchInFlight < batchReserved);
            var queue = takeBatch ? _batchQueue : _interactiveQueue;
            var waiter = queue.First!.Value;
            queue.RemoveFirst();
            if (waiter.Completion.Task.IsCompleted)
            {
                continue;
            }

            var lease = Grant(waiter.Priority, waiter.RequestId, now);
            if (!waiter.Completion.TrySetResult(lease))
            {
                ForgetLease(lease.LeaseId);
            }
        }
    }

    private void FailWaitersIfOpen(DateTimeOffset now)
    {
        if (_circuit != CircuitState.Open || now >= _openUntil)
        {
            return;
        }

        var error = CircuitOpenError(_openUntil - now);
        foreach (var queue in new[] { _interactiveQueue, _batchQueue })
        {
            while (queue.First is { } first)
            {
                queue.RemoveFirst();
                first.Value.Completion.TrySetResult(LeaseResult.Refuse(error));
            }
        }
    }

    private bool ForgetLease(long leaseId)
    {
        if (!_leases.Remove(leaseId, out var lease))
        {
            return false;
        }

        if (lease.Priority == RequestPriority.Batch)
        {
            _batchInFlight--;
        }

        if (lease.RequestId != Guid.Empty)
        {
            _leaseOfRequest.Remove(lease.RequestId);
        }

        return true;
    }

    private void SweepExpired(DateTimeOffset now)
    {
        if (_leases.Count == 0)
        {
            return;
        }

        List<long>? expired = null;
        foreach (var (id, lease) in _leases)
        {
            if (lease.ExpiresAt <= now)
            {
                (expired ??= []).Add(id);
            }
        }

        if (expired is null)
        {
            return;
        }

        foreach (var id in expired)
        {
            ForgetLease(id);
            if (_trialLeaseId == id)
            {
                _trialLeaseId = null;
            }
        }

        Log.LeasesExpired(logger, _name, expired.Count);
    }

    private GatewayError? CircuitRefusal(DateTimeOffset now)
    {
        if (_circuit == CircuitState.Open)
        {
            if (now < _openUntil)
            {
                return CircuitOpenError(_openUntil - now);
            }

            _circuit = CircuitState.HalfOpen;
            _trialLeaseId = null;
            Log.CircuitHalfOpen(logger, _name);
        }

        return null;
    }

    private GatewayError CircuitOpenError(TimeSpan retryAfter) =>
        new(GatewayErrorKind.CircuitOpen,
            $"Provider '{_name}' is failing; its circuit is open after {_consecutiveFailures} consecutive failures. Try again in {Math.Ceiling(retryAfter.TotalSeconds)} s.")
        { Provider = _name, RetryAfterSeconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) };

    private void RecordOutcome(long leaseId, CallOutcome outcome, DateTimeOffset now)
    {
        var wasTrial = _trialLeaseId == leaseId;
        if (wasTrial)
        {
            _trialLeaseId = null;
        }

        if (outcome == CallOutcome.Neutral)
        {
            return;
        }

        var success = outcome == CallOutcome.Success;
        CountOutcomes(success, 1, now);
        if (success)
        {
            _consecutiveFailures = 0;
            if (_circuit == CircuitState.HalfOpen && wasTrial)
            {
                _circuit = CircuitState.Closed;
                Log.CircuitClosed(logger, _name);
            }

            return;
        }

        _consecutiveFailures++;
        var threshold = _options?.CircuitFailureThreshold ?? int.MaxValue;
        if ((_circuit == CircuitState.HalfOpen && wasTrial) || (_circuit == CircuitState.Closed && _consecutiveFailures >= threshold))
        {
            _circuit = CircuitState.Open;
            _openUntil = now + TimeSpan.FromSeconds(_options?.CircuitCooldownSeconds ?? 30);
            Log.CircuitOpened(logger, _name, _consecutiveFailures);
            FailWaitersIfOpen(now);
        }
    }

    /// <summary>Adds calls that ended now to the recent-outcomes window.</summary>
    private void CountOutcomes(bool success, int count, DateTimeOffset now)
    {
        for (var i = 0; i < count; i++)
        {
            _recent.Enqueue((now, success));
        }

        if (success)
        {
            _recentSuccesses += count;
        }
        else
        {
            _recentFailures += count;
        }

        TrimRecent(now);
    }

    private void TrimRecent(DateTimeOffset now)
    {
        // Keep the window bounded in memory as well as in time.
        while (_recent.Count > 0 && (_recent.Peek().At < now - s_statsWindow || _recent.Count > 100_000))
        {
            var (_, success) = _recent.Dequeue();
            if (success)
            {
                _recentSuccesses--;
            }
            else
            {
                _recentFailures--;
            }
        }
    }

    private readonly record struct Lease(RequestPriority Priority, DateTimeOffset ExpiresAt, Guid RequestId);

    private sealed class Waiter(RequestPriority priority, Guid requestId)
    {
        public RequestPriority Priority { get; } = priority;

        public Guid RequestId { get; } = requestId;

        public TaskCompletionSource<LeaseResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
