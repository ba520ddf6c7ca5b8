using OrleansGateway.Errors;

namespace OrleansGateway.Providers;

/// <summary>One failed provider attempt: the error to report, whether another attempt may help, and how long the provider asked us to wait.</summary>
public sealed class ProviderCallException(GatewayError error, bool retryable, TimeSpan? retryAfter = null)
    : Exception(error.Message)
{
    public GatewayError Error { get; } = error;

    public bool Retryable { get; } = retryable;

    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>Whether the failure counts against the provider's health (circuit breaker).</summary>
    public bool CountsAsProviderFailure => Error.Kind is GatewayErrorKind.Upstream or GatewayErrorKind.Timeout or GatewayErrorKind.RateLimited;
}
