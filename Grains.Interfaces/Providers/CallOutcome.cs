namespace OrleansGateway.Providers;

/// <summary>How a provider call made under a lease ended; feeds error counts and the circuit breaker.</summary>
[GenerateSerializer, Alias("gw.CallOutcome")]
public enum CallOutcome
{
    /// <summary>The provider answered.</summary>
    Success = 0,

    /// <summary>The provider failed in a way that counts against its health (5xx, 429, timeout, unreachable).</summary>
    ProviderFailure = 1,

    /// <summary>The call ended for a reason that says nothing of the provider's health (a 4xx, a cancelled caller).</summary>
    Neutral = 2,
}
