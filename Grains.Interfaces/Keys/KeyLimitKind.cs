namespace OrleansGateway.Keys;

/// <summary>Which of a virtual key's limits turned a request away (<see cref="None"/> when it was admitted).</summary>
[GenerateSerializer, Alias("gw.KeyLimitKind")]
public enum KeyLimitKind
{
    /// <summary>Admitted.</summary>
    None,

    /// <summary>rpm_limit: the 60-second window already holds as many requests as allowed.</summary>
    Requests,

    /// <summary>tpm_limit: the request's token reservation does not fit the 60-second window.</summary>
    Tokens,

    /// <summary>max_parallel_requests: as many requests are in flight as allowed.</summary>
    Parallel,

    /// <summary>max_budget: the request's largest possible cost does not fit the remaining budget.</summary>
    Budget,

    /// <summary>The key is revoked, expired or unknown (401).</summary>
    Revoked,
}
