using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansGateway.Errors;
using OrleansGateway.Cluster;
using OrleansGateway.Providers;
using OrleansGateway.Telemetry;

namespace OrleansGateway.Chat;

/// <summary>
/// Runs a chat request where it is called: for each candidate model (the requested one, the
/// request's fallbacks, then the configured fallback chain) it takes a slot from the provider's
/// <see cref="IProviderGrain"/>, calls the provider, and retries retryable failures with
/// exponential backoff and full jitter, holding no slot while it waits. It awaits with
/// <c>ConfigureAwait(false)</c>: nothing here touches a grain's state, and not queueing each
/// continuation back onto the calling activation saves thread switches on every request.
/// Each attempt holds a <see cref="ProviderSlot"/> taken through this process's <see cref="ProviderSlotPool"/> of the provider.
/// </summary>
public sealed partial class ChatExecutor : IDisposable
{
    private readonly IGrainFactory _grains;
    private readonly ProviderClientRegistry _registry;
    private readonly ProviderChatCaller _caller;
    private readonly TimeProvider _time;
    private readonly IJitterSource _jitter;
    private readonly GatewayMetrics _metrics;
    private readonly ILogger<ChatExecutor> _logger;

    // One pool per provider, which also saves GetGrain's reflection (3.5 us, 1.3 KB) on every call.
    private readonly ConcurrentDictionary<string, ProviderSlotPool> _pools = new(StringComparer.Ordinal);

    // This process's silo, named in lease requests so a provider grain frees our slots when the cluster declares us dead.
    private readonly string? _holder;

    public ChatExecutor(
        IGrainFactory grains,
        ProviderClientRegistry registry,
        ProviderChatCaller caller,
        TimeProvider time,
        IJitterSource jitter,
        GatewayMetrics metrics,
        ILogger<ChatExecutor> logger,
        IHostApplicationLifetime? lifetime = null,
        ILocalSiloDetails? silo = null)
    {
        _holder = silo?.SiloAddress.ToParsableString();
        _grains = grains;
        _registry = registry;
        _caller = caller;
        _time = time;
        _jitter = jitter;
        _metrics = metrics;
        _logger = logger;
        // Kept slots go back while the silo still answers, not when the container is disposed after it stopped.
        lifetime?.ApplicationStopping.Register(static state => ((ChatExecutor)state!).Dispose(), this);
    }

    /// <summary>This process's pool of slots of <paramref name="provider"/>.</summary>
    public ProviderSlotPool PoolOf(string provider) =>
        _pools.GetOrAdd(provider, static (name, self) => new ProviderSlotPool(self._grains.GetGrain<IProviderGrain>(name), self._time, self._holder), this);

    /// <summary>Gives every kept slot back.</summary>
    public void Dispose()
    {
        foreach (var pool in _pools.Values)
        {
            pool.Dispose();
        }
    }

    /// <summary>Runs a non-streaming completion.</summary>
    public async Task<ChatOutcome> CompleteAsync(ChatRequest request, CancellationToken cancellationToken)
    {
        var (result, _, error) = await RunCandidatesAsync(Candidates(request), ProviderCallContext.Of(request), async (attempt, ct) =>
        {
            var result = await _caller.CompleteAsync(attempt.Route, attempt.Options, request, ct).ConfigureAwait(false);
            attempt.Telemetry.Succeeded(result.Id, result.FinishReason, result.Usage);
            return result;
        }, keepSlotOnSuccess: false, cancellationToken).ConfigureAwait(false);
        return result is not null ? ChatOutcome.Success(result) : ChatOutcome.Failure(error!);
    }

    /// <summary>
    /// The candidate loop of every provider call (chat completions, embeddings, the start of a stream): each
    /// candidate in turn through <see cref="RunUnderSlotWithRetriesAsync"/> (slot, retries, backoff) until one
    /// answers. An unknown provider is skipped (<see cref="ProviderErrors.UnknownProvider"/>); a cancelled call
    /// stops the loop. Returns the answer and the candidate that gave it, or the last candidate's error. With
    /// <paramref name="keepSlotOnSuccess"/> the answer's slot and telemetry are left to the answer's owner (a
    /// stream holds them until it ends); otherwise the attempt ends with its answer.
    /// </summary>
    internal async Task<(T? Value, ProviderRoute? Route, GatewayError? Error)> RunCandidatesAsync<T>(
        IEnumerable<ProviderRoute> candidates,
        ProviderCallContext context,
        Func<ProviderAttempt, CancellationToken, Task<T>> call,
        bool keepSlotOnSuccess,
        CancellationToken cancellationToken)
        where T : class
    {
        GatewayError? lastError = null;
        var candidate = -1;
        foreach (var route in candidates)
        {
            candidate++;
            var options = _registry.FindOptions(route.Provider);
            if (options is null)
            {
                lastError = ProviderErrors.UnknownProvider(route.Provider, route.FullName);
                continue;
            }

            if (candidate > 0 && _metrics.Fallbacks.Enabled)
            {
                _metrics.Fallbacks.Add(1, new TagList { { GatewayTelemetry.ProviderName, route.Provider }, { GatewayTelemetry.RequestModel, route.Model } });
            }

            try
            {
                var value = await RunUnderSlotWithRetriesAsync(route, options, context, candidate, call, keepSlotOnSuccess, cancellationToken).ConfigureAwait(false);
                return (value, route, null);
            }
            catch (ProviderCallException exception)
            {
                lastError = exception.Error;
                if (exception.Error.Kind == GatewayErrorKind.Cancelled)
                {
                    break;
                }

                Log.CandidateFailed(_logger, route.FullName, exception.Error.Kind, exception.LogMessage);
            }
        }

        return (null, null, lastError ?? new GatewayError(GatewayErrorKind.Internal, "No model could be tried."));
    }

    /// <summary>
    /// The requested model, then the request's fallbacks, then the fallback chain configured for
    /// the requested model, each once.
    /// </summary>
    public IEnumerable<ProviderRoute> Candidates(ChatRequest request)
    {
        if (!ProviderRoute.TryParse(request.Model, out var primary))
        {
            yield break;
        }

        // The requested model first: most requests end here, so the rest is only worked out when it failed.
        yield return primary;

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { primary.FullName };
        IEnumerable<string> configured = _registry.FindOptions(primary.Provider)?.Fallbacks.GetValueOrDefault(primary.Model) ?? [];
        foreach (var name in request.Fallbacks.Concat(configured))
        {
            if (ProviderRoute.TryParse(name, out var route) && seen.Add(route.FullName))
            {
                yield return route;
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="call"/> as attempts under a fresh <see cref="ProviderSlot"/> each, retrying as the
    /// provider's options say and releasing the slot before any backoff. With <paramref name="keepSlotOnSuccess"/>
    /// the successful attempt's slot and telemetry are left to the result's owner; otherwise they end here.
    /// </summary>
    private async Task<T> RunUnderSlotWithRetriesAsync<T>(
        ProviderRoute route,
        ProviderOptions options,
        ProviderCallContext context,
        int candidate,
        Func<ProviderAttempt, CancellationToken, Task<T>> call,
        bool keepSlotOnSuccess,
        CancellationToken cancellationToken)
    {
        ProviderChatCaller.EnsureConfigured(route.Provider, options);
        var pool = PoolOf(route.Provider);
        for (var attemptNumber = 0; ; attemptNumber++)
        {
            var telemetry = ProviderCallTelemetry.Start(
                _metrics, _time, context.Operation, route, context.RequestedModel, candidate, attemptNumber + 1, context.Priority, context.Streamed, context.BatchJobId);
            ProviderSlot slot;
            try
            {
                slot = await ProviderSlot.AcquireAsync(pool, options, context.Priority, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (ProviderCallException exception)
            {
                telemetry.Failed(exception.Error);
                throw;
            }

            telemetry.SlotAcquired(slot.Reused);
            T result;
            try
            {
                result = await call(new ProviderAttempt(route, options, slot, telemetry), cancellationToken).ConfigureAwait(false);
            }
            catch (ProviderCallException exception)
            {
                // The slot goes back before any backoff: a waiting retry holds no slot.
                slot.Release(exception.CountsAsProviderFailure ? CallOutcome.ProviderFailure : CallOutcome.Neutral);
                telemetry.Failed(exception.Error);
                if (!exception.Retryable || attemptNumber >= options.MaxRetries)
                {
                    throw;
                }

                var delay = BackoffDelay(options, attemptNumber, exception.RetryAfter);
                Log.Retrying(_logger, route.FullName, attemptNumber + 1, delay, exception.LogMessage);
                if (_metrics.Retries.Enabled)
                {
                    _metrics.Retries.Add(1, new TagList
                    {
                        { GatewayTelemetry.ProviderName, route.Provider },
                        { GatewayTelemetry.RequestModel, route.Model },
                        { GatewayTelemetry.ErrorType, ProviderCallTelemetry.ErrorTypeOf(exception.Error) },
                    });
                }

                await DelayAsync(delay, cancellationToken).ConfigureAwait(false);
                continue;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                slot.Release(CallOutcome.Neutral);
                var cancelled = new GatewayError(GatewayErrorKind.Cancelled, "The request was cancelled.") { Provider = route.Provider };
                telemetry.Failed(cancelled);
                throw new ProviderCallException(cancelled, retryable: false);
            }
            catch (Exception exception)
            {
                slot.Release(CallOutcome.Neutral);
                telemetry.Failed(new GatewayError(GatewayErrorKind.Internal, exception.Message));
                throw;
            }

            if (!keepSlotOnSuccess)
            {
                slot.Release(CallOutcome.Success);
                telemetry.Succeeded(null, null, null);
            }

            return result;
        }
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
        return TimeSpan.FromMilliseconds(_jitter.NextDouble() * ceiling);
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new ProviderCallException(new GatewayError(GatewayErrorKind.Cancelled, "The request was cancelled while waiting to retry."), retryable: false);
        }
    }
}
