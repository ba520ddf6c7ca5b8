using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using OrleansGateway.Chat;
using OrleansGateway.Errors;

namespace OrleansGateway.Keys;

/// <summary>
/// A virtual key's check around one batch task, where the task runs (a silo's task grain): the same limits as the
/// key's interactive requests, under this process's allowance of the key (<see cref="KeyAllowances"/>, one holder
/// per process like a frontend), with the task's largest size (estimated input plus <c>max_tokens</c>) and cost.
/// At batch priority: a limit that is used up (rpm, tpm, max_parallel_requests, budget) makes the task wait
/// (<see cref="BatchKeyAdmission.Wait"/>, the key's <c>Retry-After</c>) instead of failing; only a revoked or
/// expired key, a model the key may no longer use, or a task larger than the key's tpm_limit fail it. A completed
/// task settles with the provider's reported usage and cost; a failed or cancelled one is released.
/// </summary>
public sealed partial class BatchKeyGate(KeyAllowances allowances, KeyPrices prices, IGrainFactory grains, TimeProvider time, ILogger<BatchKeyGate> logger)
{
    /// <summary>How long the key's settings (models, revocation, expiry) are reused before its grain is asked again.</summary>
    public static readonly TimeSpan SettingsFreshness = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest a refused task waits before it asks again (also the wait when the key's grain gives none: a budget
    /// without a period, the grain unreachable). Shorter than the window's <c>Retry-After</c> can be, since room comes
    /// back sooner when another process returns an allowance it did not use or an admin raises the key's limits.
    /// </summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(5);

    /// <summary>The output tokens a task without <c>max_tokens</c> reserves (as for the key's requests).</summary>
    public const int DefaultMaxTokens = 4096;

    private readonly ConcurrentDictionary<string, (VirtualKeyAuth? Auth, DateTimeOffset FetchedAt)> _auth = new(StringComparer.Ordinal);

    /// <summary>Admits one task of key <paramref name="keyId"/> for <paramref name="model"/> (or its <paramref name="fallbacks"/>) of at most <paramref name="input"/> + <paramref name="output"/> tokens.</summary>
    public async Task<BatchKeyAdmission> AdmitAsync(string keyId, string model, ImmutableArray<string> fallbacks, int input, int output)
    {
        VirtualKeyAuth? auth;
        try
        {
            auth = await AuthAsync(keyId);
        }
        catch (Exception exception)
        {
            LogAdmitFailed(logger, keyId, exception);
            return new BatchKeyAdmission(null, null, MaxWait, null);
        }

        if (auth is null || auth.Revoked || auth.Settings.ExpiresAt <= time.GetUtcNow())
        {
            return Failed(new GatewayError(GatewayErrorKind.Unauthenticated, "The virtual key that created this batch job was revoked or has expired; its remaining tasks do not run."));
        }

        foreach (var candidate in fallbacks.IsDefault ? [model] : fallbacks.Insert(0, model))
        {
            if (!ModelAccess.Allows(auth.Settings.Models, candidate))
            {
                return Failed(new GatewayError(GatewayErrorKind.PermissionDenied, $"The key '{auth.Settings.Name}' may not use the model '{candidate}'.") { Code = "model_not_allowed" });
            }
        }

        var maxCost = prices.Cost(model, input, output).Cost;
        foreach (var fallback in fallbacks.IsDefault ? [] : fallbacks)
        {
            maxCost = Math.Max(maxCost, prices.Cost(fallback, input, output).Cost);
        }

        var allowance = allowances.For(keyId);
        KeyTicket? ticket;
        KeyGrant? refusal;
        try
        {
            (ticket, refusal) = await allowance.AdmitAsync(input + (long)output, maxCost);
        }
        catch (Exception exception)
        {
            LogAdmitFailed(logger, keyId, exception);
            (ticket, refusal) = (null, null);
        }

        if (ticket is not null)
        {
            return new BatchKeyAdmission(allowance, ticket, null, null);
        }

        if (refusal is null)
        {
            // The key's grain could not be reached: the task waits, nothing runs unmetered.
            return new BatchKeyAdmission(null, null, MaxWait, null);
        }

        if (refusal.Refused == KeyLimitKind.Revoked)
        {
            Forget(keyId);
            return Failed(new GatewayError(GatewayErrorKind.Unauthenticated, "The virtual key that created this batch job was revoked or has expired; its remaining tasks do not run."));
        }

        if (refusal.RetryAfterSeconds is null && refusal.Refused == KeyLimitKind.Tokens)
        {
            // Larger than the limit itself: no wait would ever admit it.
            return Failed(new GatewayError(GatewayErrorKind.RateLimited,
                $"The task's largest size ({input + (long)output} tokens) is larger than the key's tpm_limit of {auth.Settings.TpmLimit}; lower its max_tokens."));
        }

        return new BatchKeyAdmission(null, null, refusal.RetryAfterSeconds is { } seconds ? TimeSpan.FromSeconds(Math.Clamp(seconds, 1, MaxWait.TotalSeconds)) : MaxWait, null);
    }

    /// <summary>Settles an admitted task with what the provider reported for <paramref name="model"/>.</summary>
    public void Settle(BatchKeyAdmission admission, string model, TokenUsage usage)
    {
        var (cost, priced) = prices.Cost(model, usage.PromptTokens, usage.CompletionTokens);
        admission.Allowance!.Complete(admission.Ticket!, new KeySettlement(model, usage.PromptTokens, usage.CompletionTokens, cost, priced));
    }

    /// <summary>Gives an admitted task's reservation back: it failed, was cancelled or was interrupted.</summary>
    public static void Release(BatchKeyAdmission admission) => admission.Allowance!.Complete(admission.Ticket!, null);

    private static BatchKeyAdmission Failed(GatewayError error) => new(null, null, null, error);

    private async ValueTask<VirtualKeyAuth?> AuthAsync(string keyId)
    {
        var now = time.GetUtcNow();
        if (_auth.TryGetValue(keyId, out var cached) && now - cached.FetchedAt < SettingsFreshness)
        {
            return cached.Auth;
        }

        var auth = await grains.GetGrain<IKeyGrain>(keyId).GetAuthAsync();
        _auth[keyId] = (auth, now);
        return auth;
    }

    private void Forget(string keyId) => _auth.TryRemove(keyId, out _);

    [LoggerMessage(EventId = 2620, Level = LogLevel.Warning, Message = "Key {KeyId}: a batch task's key check could not reach the key's grain; the task waits")]
    private static partial void LogAdmitFailed(ILogger logger, string keyId, Exception exception);
}
