namespace OrleansGateway.Providers;

/// <summary>
/// A provider's circuit breaker, driven by a <see cref="TimeProvider"/>: closed while calls succeed, open
/// (refusing at once) for <c>cooldown</c> after <c>failureThreshold</c> consecutive failures, then half-open,
/// when one trial call decides: its success closes the circuit, its failure opens it again. Not thread-safe:
/// its owner (the provider's grain) calls it one call at a time.
/// </summary>
public sealed class CircuitBreaker(int failureThreshold, TimeSpan cooldown, TimeProvider time)
{
    private long? _trialLeaseId;

    /// <summary>The state as last changed (an open circuit whose cool-down ended reads open until <see cref="TryHalfOpen"/>).</summary>
    public CircuitState State { get; private set; } = CircuitState.Closed;

    /// <summary>The state as a caller would see it now: an open circuit whose cool-down has ended reads half-open.</summary>
    public CircuitState StateNow => State == CircuitState.Open && time.GetUtcNow() >= OpenUntil ? CircuitState.HalfOpen : State;

    /// <summary>Failures since the last success.</summary>
    public int ConsecutiveFailures { get; private set; }

    /// <summary>When an open circuit's cool-down ends.</summary>
    public DateTimeOffset OpenUntil { get; private set; }

    /// <summary>Whether the half-open circuit's one trial call is under way.</summary>
    public bool TrialTaken => _trialLeaseId is not null;

    /// <summary>How long an open circuit still refuses; zero when it does not.</summary>
    public TimeSpan RefusesFor
    {
        get
        {
            if (State != CircuitState.Open)
            {
                return TimeSpan.Zero;
            }

            var left = OpenUntil - time.GetUtcNow();
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    /// <summary>Moves an open circuit whose cool-down has ended to half-open; true when it moved now.</summary>
    public bool TryHalfOpen()
    {
        if (State != CircuitState.Open || time.GetUtcNow() < OpenUntil)
        {
            return false;
        }

        State = CircuitState.HalfOpen;
        _trialLeaseId = null;
        return true;
    }

    /// <summary>Marks the slot granted under a half-open circuit as its trial call.</summary>
    public void StartTrial(long leaseId) => _trialLeaseId = leaseId;

    /// <summary>The trial's slot ended without an outcome (it expired): the next caller may try.</summary>
    public void Abandon(long leaseId)
    {
        if (_trialLeaseId == leaseId)
        {
            _trialLeaseId = null;
        }
    }

    /// <summary>Records how the call on <paramref name="leaseId"/> ended; returns the new state when it changed.</summary>
    public CircuitState? Record(long leaseId, CallOutcome outcome)
    {
        var wasTrial = _trialLeaseId == leaseId;
        if (wasTrial)
        {
            _trialLeaseId = null;
        }

        if (outcome == CallOutcome.Neutral)
        {
            return null;
        }

        if (outcome == CallOutcome.Success)
        {
            ConsecutiveFailures = 0;
            if (State == CircuitState.HalfOpen && wasTrial)
            {
                State = CircuitState.Closed;
                return State;
            }

            return null;
        }

        ConsecutiveFailures++;
        if ((State == CircuitState.HalfOpen && wasTrial) || (State == CircuitState.Closed && ConsecutiveFailures >= failureThreshold))
        {
            State = CircuitState.Open;
            OpenUntil = time.GetUtcNow() + cooldown;
            return State;
        }

        return null;
    }

    /// <summary>Calls that succeeded outside a lease's release (on kept slots): the failure run ends.</summary>
    public void RecordSuccesses() => ConsecutiveFailures = 0;
}
