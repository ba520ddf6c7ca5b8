namespace OrleansGateway.Batch;

/// <summary>
/// Tasks a provider turned away (circuit open, gateway queue full, rate limited after the executor's
/// retries): such a task keeps no result and stays pending, for the job's next pass to run again after
/// the provider's <c>Retry-After</c>, until it has been turned away for <see cref="BatchOptions.ProviderWaitLimit"/>;
/// then the refusal is its result. Other failures are results at once. Counted per activation (a task
/// grain that moves starts the wait again). Used from one grain activation, so not thread-safe.
/// </summary>
public sealed class ProviderRefusals(TimeSpan waitLimit, TimeProvider time)
{
    /// <summary>The shortest and longest wait asked of the job's next pass.</summary>
    public static readonly TimeSpan MinWait = TimeSpan.FromSeconds(1);

    /// <inheritdoc cref="MinWait"/>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    private readonly Dictionary<int, DateTimeOffset> _refusedSince = [];

    /// <summary>Whether <paramref name="error"/> is a provider turning work away rather than an answer.</summary>
    public static bool IsRefusal(GatewayError error) =>
        error.Kind is GatewayErrorKind.CircuitOpen or GatewayErrorKind.QueueFull or GatewayErrorKind.RateLimited;

    /// <summary>
    /// Whether task <paramref name="local"/>, which ended with <paramref name="error"/>, stays pending (the
    /// provider refused it and the wait limit is not reached); then <paramref name="retryAfter"/> is how long to wait.
    /// </summary>
    public bool KeepsPending(int local, GatewayError error, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (!IsRefusal(error))
        {
            _refusedSince.Remove(local);
            return false;
        }

        var now = time.GetUtcNow();
        if (!_refusedSince.TryGetValue(local, out var since))
        {
            since = now;
            _refusedSince[local] = now;
        }

        retryAfter = TimeSpan.FromSeconds(Math.Clamp(error.RetryAfterSeconds ?? 1, MinWait.TotalSeconds, MaxWait.TotalSeconds));
        if (now + retryAfter > since + waitLimit)
        {
            _refusedSince.Remove(local);
            return false;
        }

        return true;
    }

    /// <summary>Forgets the task's refusals (it has its result).</summary>
    public void Clear(int local) => _refusedSince.Remove(local);
}
