using System.Collections.Concurrent;
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
/// <para>
/// Observable counters over this process's running totals per key, name and model (<see cref="KeyModelCounts"/>):
/// a request adds to its totals with a few plain additions, and the tags are built only when the exporter
/// collects, instead of four tagged measurements per request looked up by the SDK's aggregation.
/// </para>
/// </summary>
public sealed class KeyMetrics
{
    /// <summary>The requests instrument's name.</summary>
    public const string RequestsInstrument = "gateway.key.requests";

    /// <summary>The tokens instrument's name.</summary>
    public const string TokensInstrument = "gateway.key.tokens";

    /// <summary>The spend instrument's name.</summary>
    public const string SpendInstrument = "gateway.key.spend";

    /// <summary>Each <c>gateway.key.outcome</c> by the limit that refused the request (None: admitted); the last one for any other.</summary>
    private static readonly (KeyLimitKind RefusedBy, string Outcome)[] s_outcomes =
    [
        (KeyLimitKind.None, "admitted"),
        (KeyLimitKind.Requests, "rpm_limit"),
        (KeyLimitKind.Tokens, "tpm_limit"),
        (KeyLimitKind.Parallel, "max_parallel_requests"),
        (KeyLimitKind.Budget, "max_budget"),
        (KeyLimitKind.Revoked, "revoked"),
    ];

    private readonly ConcurrentDictionary<(string Id, string Name, string Model), KeyModelCounts> _counts = new();

    public KeyMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(GatewayTelemetry.MeterName);
        meter.CreateObservableCounter(RequestsInstrument, ObserveRequests, "{request}", "Provider calls of virtual keys, admitted or refused, by key, model and gateway.key.outcome.");
        meter.CreateObservableCounter(TokensInstrument, ObserveTokens, "{token}", "Tokens the providers reported for virtual keys, by key, model and gen_ai.token.type.");
        meter.CreateObservableCounter(SpendInstrument, ObserveSpend, "USD", "Spend of virtual keys at the configured prices, by key and model.");
    }

    /// <summary>Counts a request of <paramref name="key"/> for <paramref name="model"/>: admitted, or refused by <paramref name="refusedBy"/>.</summary>
    public void Admission(VirtualKeyCaller key, string model, KeyLimitKind refusedBy) => CountsOf(key, model).Admission(Index(refusedBy));

    /// <summary>Counts a settled request's tokens and spend.</summary>
    public void Settled(VirtualKeyCaller key, KeySettlement settlement) =>
        CountsOf(key, settlement.Model).Settled(settlement.InputTokens, settlement.OutputTokens, settlement.Cost);

    private KeyModelCounts CountsOf(VirtualKeyCaller key, string model) =>
        _counts.GetOrAdd((key.Id, key.Settings.Name, model), static _ => new KeyModelCounts(s_outcomes.Length));

    private static int Index(KeyLimitKind refusedBy)
    {
        for (var i = 0; i < s_outcomes.Length - 1; i++)
        {
            if (s_outcomes[i].RefusedBy == refusedBy)
            {
                return i;
            }
        }

        return s_outcomes.Length - 1;
    }

    private IEnumerable<Measurement<long>> ObserveRequests()
    {
        foreach (var ((id, name, model), counts) in _counts)
        {
            for (var i = 0; i < s_outcomes.Length; i++)
            {
                if (counts.Requests(i) is var requests and > 0)
                {
                    yield return new Measurement<long>(requests, Tags(id, name, model, new("gateway.key.outcome", s_outcomes[i].Outcome)));
                }
            }
        }
    }

    private IEnumerable<Measurement<long>> ObserveTokens()
    {
        foreach (var ((id, name, model), counts) in _counts)
        {
            var (input, output, _, settled) = counts.Usage();
            if (settled)
            {
                yield return new Measurement<long>(input, Tags(id, name, model, new("gen_ai.token.type", "input")));
                yield return new Measurement<long>(output, Tags(id, name, model, new("gen_ai.token.type", "output")));
            }
        }
    }

    private IEnumerable<Measurement<double>> ObserveSpend()
    {
        foreach (var ((id, name, model), counts) in _counts)
        {
            var (_, _, spend, settled) = counts.Usage();
            if (settled)
            {
                yield return new Measurement<double>((double)spend, Tags(id, name, model, null));
            }
        }
    }

    private static KeyValuePair<string, object?>[] Tags(string id, string name, string model, KeyValuePair<string, object?>? extra) =>
        extra is { } pair
            ? [new("gateway.key.id", id), new("gateway.key.name", name), new("gen_ai.request.model", model), pair]
            : [new("gateway.key.id", id), new("gateway.key.name", name), new("gen_ai.request.model", model)];
}
