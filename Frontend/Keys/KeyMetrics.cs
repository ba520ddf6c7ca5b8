using System.Diagnostics;
using System.Diagnostics.Metrics;
using OrleansGateway.Keys;
using OrleansGateway.Telemetry;

namespace OrleansGateway.Frontend.Keys;

/// <summary>
/// Per-key instruments on the gateway's meter (<see cref="GatewayTelemetry.MeterName"/>, exported by the host's
/// OpenTelemetry set-up and <c>/metrics</c>), recorded by the frontend that served the request, labelled with the
/// key's id and name (never its secret) and the model: <c>gateway.key.requests</c> (by <c>gateway.key.outcome</c>:
/// <c>admitted</c> or the limit that refused it), <c>gateway.key.tokens</c> (reported tokens by
/// <c>gen_ai.token.type</c>) and <c>gateway.key.spend</c> (USD at the configured prices). Summed over frontends they
/// give the key's totals; the key's own usage (<c>/admin/keys/{id}/usage</c>) stays the durable record.
/// </summary>
public sealed class KeyMetrics
{
    /// <summary>The requests instrument's name.</summary>
    public const string RequestsInstrument = "gateway.key.requests";

    /// <summary>The tokens instrument's name.</summary>
    public const string TokensInstrument = "gateway.key.tokens";

    /// <summary>The spend instrument's name.</summary>
    public const string SpendInstrument = "gateway.key.spend";

    private readonly Counter<long> _requests;
    private readonly Counter<long> _tokens;
    private readonly Counter<double> _spend;

    public KeyMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(GatewayTelemetry.MeterName);
        _requests = meter.CreateCounter<long>(RequestsInstrument, "{request}", "Provider calls of virtual keys, admitted or refused, by key, model and gateway.key.outcome.");
        _tokens = meter.CreateCounter<long>(TokensInstrument, "{token}", "Tokens the providers reported for virtual keys, by key, model and gen_ai.token.type.");
        _spend = meter.CreateCounter<double>(SpendInstrument, "USD", "Spend of virtual keys at the configured prices, by key and model.");
    }

    /// <summary>Counts a request of <paramref name="key"/> for <paramref name="model"/>: admitted, or refused by <paramref name="refusedBy"/>.</summary>
    public void Admission(VirtualKeyCaller key, string model, KeyLimitKind refusedBy)
    {
        if (_requests.Enabled)
        {
            _requests.Add(1, Tags(key, model, new("gateway.key.outcome", Outcome(refusedBy))));
        }
    }

    /// <summary>Counts a settled request's tokens and spend.</summary>
    public void Settled(VirtualKeyCaller key, KeySettlement settlement)
    {
        if (_tokens.Enabled)
        {
            _tokens.Add(settlement.InputTokens, Tags(key, settlement.Model, new("gen_ai.token.type", "input")));
            _tokens.Add(settlement.OutputTokens, Tags(key, settlement.Model, new("gen_ai.token.type", "output")));
        }

        if (_spend.Enabled)
        {
            _spend.Add((double)settlement.Cost, Tags(key, settlement.Model, null));
        }
    }

    private static string Outcome(KeyLimitKind refusedBy) => refusedBy switch
    {
        KeyLimitKind.None => "admitted",
        KeyLimitKind.Requests => "rpm_limit",
        KeyLimitKind.Tokens => "tpm_limit",
        KeyLimitKind.Parallel => "max_parallel_requests",
        KeyLimitKind.Budget => "max_budget",
        _ => "revoked",
    };

    private static TagList Tags(VirtualKeyCaller key, string model, KeyValuePair<string, object?>? extra)
    {
        var tags = new TagList
        {
            { "gateway.key.id", key.Id },
            { "gateway.key.name", key.Settings.Name },
            { "gen_ai.request.model", model },
        };
        if (extra is { } pair)
        {
            tags.Add(pair);
        }

        return tags;
    }
}
