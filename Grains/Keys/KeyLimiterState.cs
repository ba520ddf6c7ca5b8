namespace OrleansGateway.Keys;

/// <summary>
/// What a <see cref="KeyLimiter"/> needs to resume exactly after its grain is reactivated elsewhere (a silo
/// crash or restart): the entries of both 60-second windows, the frontends' holds and their last exchange,
/// and the last allowance id. Stored with the key (<see cref="KeyGrainState.Limiter"/>) at every exchange
/// before it is answered, so nothing a frontend was granted is forgotten.
/// </summary>
[GenerateSerializer, Alias("gw.KeyLimiterState")]
public sealed class KeyLimiterState
{
    [Id(0)] public long NextId { get; set; }

    [Id(1)] public List<KeyWindowEntry> Requests { get; set; } = [];

    [Id(2)] public List<KeyWindowEntry> Tokens { get; set; } = [];

    [Id(3)] public Dictionary<string, KeyHolder> Holders { get; set; } = new(StringComparer.Ordinal);
}
