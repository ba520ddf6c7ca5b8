using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using OrleansGateway.Errors;
using OrleansGateway.Hosting;
using OrleansGateway.Providers;

namespace OrleansGateway.Chat;

/// <summary>
/// Runs a chat request where it is called: for each candidate model (the requested one, the
/// request's fallbacks, then the configured fallback chain) it takes a slot from the provider's
/// <see cref="IProviderGrain"/>, calls the provider, and retries retryable failures with
/// exponential backoff and full jitter, holding no slot while it waits. It awaits with
/// <c>ConfigureAwait(false)</c>: nothing here touches a grain's state, and not queueing each
/// continuation back onto the calling activation saves thread switches on every request.
/// </summary>
public sealed partial class ChatExecutor(
    IGrainFactory grains,
    ProviderClientRegistry registry,
    ProviderChatCaller caller,
    TimeProvider time,
    IJitterSource jitter,
    ILogger<ChatExecutor> logger)
{
    // GetGrain resolves the interface type by reflection on every call (3.5 us, 1.3 KB): one reference per provider.
    private readonly ConcurrentDictionary<string, IProviderGrain> _providerGrains = new(StringComparer.Ordinal);

    /// <summary>Runs a non-streaming completion.</summary>
    public async Task<ChatOutcome> CompleteAsync(ChatRequest request, CancellationToken cancellationToken)
    {
        GatewayError? lastError = null;
        foreach (var route in Candidates(request))
        {
            var options = registry.FindOptions(route.Provider);
            if (options is null)
            {
                lastError = new GatewayError(GatewayErrorKind.InvalidRequest, $"Unknown provider '{route.Provider}' in model '{route.FullName}'.") { Param = "model" };
                continue;
            }

            try
            {
                var result = await RunWithRetriesAsync(route, options, request.Priority,
                    ct => caller.CompleteAsync(route, options, request, ct), cancellationToken).ConfigureAwait(false);
                return ChatOutcome.Success(result);
            }
            catch (ProviderCallException exception)
            {
                lastError = exception.Error;
                if (exception.Error.Kind == GatewayErrorKind.Cancelled)
                {
                    break;
                }

                Log.CandidateFailed(logger, route.FullName, exception.Error.Kind, exception.Error.Message);
            }
        }

        return ChatOutcome.Failure(lastError ?? new GatewayError(GatewayErrorKind.Internal, "No model could be tried."));
    }

    /// <summary>
    /// The requested model, then the request's fallbacks, then the fallback chain configured for
    /// the requested model, each once.
    /// </summary>
    public IEnumerable<ProviderRoute> Candidates(ChatRequest request)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (!ProviderRoute.TryParse(request.Model, out var primary))
        {
            yield break;
        }

        IEnumerable<string> configured = registry.FindOptions(primary.Provider)?.Fallbacks.GetValueOrDefault(primary.Model) ?? [];
        foreach (var name in request.Fallbacks.Prepend(request.Model).Concat(configured))
        {
            if (ProviderRoute.TryParse(name, out var route) && seen.Add(route.FullName))
            {
                yield return route;
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="attempt"/> under a lease of the provider's grain, renewing the lease
    /// while it runs, and retries it as the provider's options say.
    /// </summary>
    public Task<T> RunWithRetriesAsync<T>(
        ProviderRoute route,
        ProviderOptions options,
        RequestPriority priority,
        Func<CancellationToken, Task<T>> attempt,
        CancellationToken cancellationToken) =>
        RunUnderLeaseWithRetriesAsync(route, options, priority, (_, ct) => attempt(ct), keepLeaseOnSuccess: false, cancellationToken);

    /// <summary>
    /// Runs <paramref name="attempt"/> under a fresh lease per attempt, releasing the slot before
    /// any backoff. With <paramref name="keepLeaseOnSuccess"/> the lease of the successful attempt
    /// is left to the result's owner (a stream holds its slot until it ends); otherwise it is released.
    /// </summary>
    public async Task<T> RunUnderLeaseWithRetriesAsync<T>(
        ProviderRoute route,
        ProviderOptions options,
        RequestPriority priority,
        Func<HeldLease, CancellationToken, Task<T>> attempt,
        bool keepLeaseOnSuccess,
        CancellationToken cancellationToken)
    {
        ProviderChatCaller.EnsureConfigured(route.Provider, options);
        var provider = _providerGrains.GetOrAdd(route.Provider, static (name, factory) => factory.GetGrain<IProviderGrain>(name), grains);
        for (var attemptNumber = 0; ; attemptNumber++)
        {
            var lease = await AcquireAsync(provider, priority, cancellationToken).ConfigureAwait(false);
            T result;
            try
            {
                result = await attempt(lease, cancellationToken).ConfigureAwait(false);
            }
            catch (ProviderCallException exception)
            {
                // The slot goes back before any backoff: a waiting retry holds no slot.
                lease.Release(exception.CountsAsProviderFailure ? CallOutcome.ProviderFailure : CallOutcome.Neutral);
                if (!exception.Retryable || attemptNumber >= options.MaxRetries)
                {
                    throw;
                }

                var delay = BackoffDelay(options, attemptNumber, exception.RetryAfter);
                Log.Retrying(logger, route.FullName, attemptNumber + 1, delay, exception.Error.Message);
                await DelayAsync(delay, cancellationToken).ConfigureAwait(false);
                continue;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                lease.Release(CallOutcome.Neutral);
                throw new ProviderCallException(new GatewayError(GatewayErrorKind.Cancelled, "The request was cancelled.") { Provider = route.Provider }, retryable: false);
            }
            catch
            {
                lease.Release(CallOutcome.Neutral);
                throw;
            }

            if (!keepLeaseOnSuccess)
            {
                lease.Release(CallOutcome.Success);
            }

            return result;
        }
    }

    /// <summary>
    /// Takes a slot and starts renewing it every third of its time-to-live; the returned handle stops renewing.
    /// </summary>
    public async Task<HeldLease> AcquireAsync(IProviderGrain provider, RequestPriority priority, CancellationToken cancellationToken)
    {
        LeaseResult lease;
        try
        {
            // In a cluster the provider's grain may have died with its silo: retried until it lives on another.
            lease = await SiloLossRetry.RunAsync(() => provider.AcquireAsync(new LeaseRequest(priority, "chat"), cancellationToken), time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new ProviderCallException(new GatewayError(GatewayErrorKind.Cancelled, "The request was cancelled while waiting for a slot."), retryable: false);
        }

        if (!lease.Granted)
        {
            throw new ProviderCallException(lease.Error, retryable: false);
        }

        return HeldLease.Start(provider, lease, time);
    }

    /// <summary>
    /// Full-jitter exponential backoff, or the provider's <c>Retry-After</c>, never longer than the cap.
    /// </summary>
    public TimeSpan BackoffDelay(ProviderOptions options, int attemptNumber, TimeSpan? retryAfter)
    {
        var cap = TimeSpan.FromSeconds(options.MaxRetryDelaySeconds);
        if (retryAfter is { } wait)
        {
            return wait < cap ? wait : cap;
        }

        var ceiling = Math.Min(cap.TotalMilliseconds, options.RetryBaseDelayMilliseconds * Math.Pow(2, attemptNumber));
        return TimeSpan.FromMilliseconds(jitter.NextDouble() * ceiling);
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new ProviderCallException(new GatewayError(GatewayErrorKind.Cancelled, "The request was cancelled while waiting to retry."), retryable: false);
        }
    }
}
