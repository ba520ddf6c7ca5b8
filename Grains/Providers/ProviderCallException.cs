namespace OrleansGateway.Providers;

/// <summary>One failed provider attempt: the error to report, whether another attempt may help, and how long the provider asked us to wait.</summary>
public sealed class ProviderCallException(GatewayError error, bool retryable, TimeSpan? retryAfter = null, string? logDetail = null)
    : Exception(error.Message)
{
    /// <summary>What the log may say beyond the client's message (e.g. the unreachable address), already redacted.</summary>
    public string? LogDetail { get; } = logDetail;

    /// <summary>The message for log lines: the client's message plus <see cref="LogDetail"/>.</summary>
    public string LogMessage => LogDetail is null ? Error.Message : $"{Error.Message} [{LogDetail}]";

    public GatewayError Error { get; } = error;

    public bool Retryable { get; } = retryable;

    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>Whether the failure counts against the provider's health (circuit breaker).</summary>
    public bool CountsAsProviderFailure => Error.Kind is GatewayErrorKind.Upstream or GatewayErrorKind.Timeout or GatewayErrorKind.RateLimited;
}
