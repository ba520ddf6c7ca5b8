namespace OrleansGateway.Providers;

/// <summary>The circuit breaker's states.</summary>
public enum CircuitState
{
    /// <summary>Requests flow.</summary>
    Closed,

    /// <summary>Requests fail fast until the cool-down ends.</summary>
    Open,

    /// <summary>The cool-down ended: one trial request decides.</summary>
    HalfOpen,
}
