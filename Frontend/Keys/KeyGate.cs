using OrleansGateway.Chat;
using OrleansGateway.Errors;
using OrleansGateway.Keys;
using OrleansGateway.Streaming;

namespace OrleansGateway.Frontend.Keys;

/// <summary>
/// A virtual key's check around one provider call: the models it may use (403 otherwise), then admission
/// under this frontend's allowance of the key (<see cref="KeyAllowance"/>, granted by the key's grain; no
/// grain call while it covers the request) with the request's largest possible size (estimated input tokens
/// plus <c>max_tokens</c>) and cost (at the dearest of its candidate models), 429 <c>rate_limit_exceeded</c>
/// or <c>insufficient_quota</c> with <c>Retry-After</c> when a limit refuses it; afterwards the request is
/// settled with the provider's reported usage, or released when the call failed or was cancelled (reported
/// to the grain with the allowance's next exchange).
/// </summary>
public sealed partial class KeyGate(KeyAllowances allowances, KeyPrices prices, KeyMetrics metrics, IServiceProvider services, ILogger<KeyGate> logger)
{
    // The gateway core's estimator where this host has one (embedded); a cluster frontend, which makes no
    // provider calls and registers none, keeps its own for the key check.
    private readonly TokenUsageEstimator _estimator = services.GetService<TokenUsageEstimator>() ?? new TokenUsageEstimator();

    /// <summary>The output tokens a request without <c>max_tokens</c> reserves (the documented API's default).</summary>
    public const int DefaultMaxTokens = 4096;

    /// <summary>Admits <paramref name="request"/> for <paramref name="key"/>, or the error to answer.</summary>
    public ValueTask<(KeyReservation? Reservation, GatewayError? Error)> AdmitAsync(VirtualKeyCaller key, ChatRequest request) =>
        AdmitAsync(key, request.Model, request.Fallbacks, _estimator.Estimate(request, string.Empty).PromptTokens, request.MaxTokens ?? DefaultMaxTokens);

    /// <summary>
    /// Admits a request for <paramref name="model"/> (or its <paramref name="fallbacks"/>) of at most
    /// <paramref name="input"/> + <paramref name="output"/> tokens for <paramref name="key"/>, or the error to answer.
    /// Completes at once, without allocating a task, when this frontend's allowance covers the request (the steady state).
    /// </summary>
    public ValueTask<(KeyReservation? Reservation, GatewayError? Error)> AdmitAsync(
        VirtualKeyCaller key, string model, IReadOnlyList<string> fallbacks, int input, int output)
    {
        if ((Refusal(key, model, "model") ?? FallbackRefusal(key, fallbacks)) is { } refused)
        {
            return ValueTask.FromResult<(KeyReservation?, GatewayError?)>((null, refused));
        }

        var maxCost = prices.Cost(model, input, output).Cost;
        for (var i = 0; i < fallbacks.Count; i++)
        {
            maxCost = Math.Max(maxCost, prices.Cost(fallbacks[i], input, output).Cost);
        }

        var allowance = allowances.For(key.Id);
        ValueTask<(KeyTicket? Ticket, KeyGrant? Refusal)> admission;
        try
        {
            admission = allowance.AdmitAsync(input + (long)output, maxCost);
        }
        catch (Exception exception)
        {
            LogAdmitFailed(logger, key.Id, exception);
            return ValueTask.FromResult(Admitted(key, model, allowance, input, output, (null, null)));
        }

        return admission.IsCompletedSuccessfully
            ? ValueTask.FromResult(Admitted(key, model, allowance, input, output, admission.Result))
            : AwaitAdmissionAsync(key, model, allowance, input, output, admission);
    }

    private async ValueTask<(KeyReservation? Reservation, GatewayError? Error)> AwaitAdmissionAsync(
        VirtualKeyCaller key, string model, KeyAllowance allowance, int input, int output, ValueTask<(KeyTicket? Ticket, KeyGrant? Refusal)> admission)
    {
        (KeyTicket? Ticket, KeyGrant? Refusal) result;
        try
        {
            result = await admission;
        }
        catch (Exception exception)
        {
            LogAdmitFailed(logger, key.Id, exception);
            result = (null, null);
        }

        return Admitted(key, model, allowance, input, output, result);
    }

    private (KeyReservation? Reservation, GatewayError? Error) Admitted(
        VirtualKeyCaller key, string model, KeyAllowance allowance, int input, int output, (KeyTicket? Ticket, KeyGrant? Refusal) admission)
    {
        var (ticket, refusal) = admission;
        if (ticket is not null || refusal is not null)
        {
            metrics.Admission(key, model, ticket is not null ? KeyLimitKind.None : refusal!.Refused);
        }

        if (ticket is not null)
        {
            return (new KeyReservation(key, allowance, ticket, input, output), null);
        }

        return (null, refusal is null
            ? new GatewayError(GatewayErrorKind.Unavailable, "The gateway could not check the key's limits; try again.")
            : ErrorOf(refusal, key));
    }

    /// <summary>Settles <paramref name="reservation"/> with what the provider reported for <paramref name="model"/>.</summary>
    public Task SettleAsync(KeyReservation reservation, string model, TokenUsage usage)
    {
        var (cost, priced) = prices.Cost(model, usage.PromptTokens, usage.CompletionTokens);
        var settlement = new KeySettlement(model, usage.PromptTokens, usage.CompletionTokens, cost, priced);
        reservation.Allowance.Complete(reservation.Ticket, settlement);
        metrics.Settled(reservation.Key, settlement);
        return Task.CompletedTask;
    }

    /// <summary>Gives <paramref name="reservation"/> back: the call failed or the client left.</summary>
    public Task ReleaseAsync(KeyReservation reservation)
    {
        reservation.Allowance.Complete(reservation.Ticket, null);
        return Task.CompletedTask;
    }

    /// <summary>The 403 for a model outside the key's <c>models</c>, or null.</summary>
    public static GatewayError? Refusal(VirtualKeyCaller key, string model, string param) =>
        ModelAccess.Allows(key.Settings.Models, model)
            ? null
            : new GatewayError(GatewayErrorKind.PermissionDenied, $"The key '{key.Settings.Name}' may not use the model '{model}'.") { Param = param, Code = "model_not_allowed" };

    private static GatewayError? FallbackRefusal(VirtualKeyCaller key, IReadOnlyList<string> fallbacks)
    {
        for (var i = 0; i < fallbacks.Count; i++)
        {
            if (Refusal(key, fallbacks[i], $"fallbacks[{i}]") is { } refused)
            {
                return refused;
            }
        }

        return null;
    }

    private static GatewayError ErrorOf(KeyGrant admission, VirtualKeyCaller key) => admission.Refused switch
    {
        KeyLimitKind.Budget => new GatewayError(GatewayErrorKind.QuotaExceeded,
            $"The key '{key.Settings.Name}' has not enough budget left for this request (max_budget {key.Settings.MaxBudget} USD).") { RetryAfterSeconds = admission.RetryAfterSeconds },
        KeyLimitKind.Revoked => new GatewayError(GatewayErrorKind.Unauthenticated, "Invalid API key."),
        var limit => new GatewayError(GatewayErrorKind.RateLimited, limit switch
        {
            KeyLimitKind.Requests => $"The key '{key.Settings.Name}' reached its rpm_limit of {key.Settings.RpmLimit} requests per minute.",
            KeyLimitKind.Tokens => $"The key '{key.Settings.Name}' reached its tpm_limit of {key.Settings.TpmLimit} tokens per minute.",
            _ => $"The key '{key.Settings.Name}' has {key.Settings.MaxParallelRequests} requests in flight, its max_parallel_requests.",
        }) { RetryAfterSeconds = admission.RetryAfterSeconds },
    };
}
