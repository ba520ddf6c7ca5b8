namespace OrleansGateway.Keys;

/// <summary>One entry of a key's rpm or tpm window as stored: its allowance id, until when it counts, and its amount.</summary>
[GenerateSerializer, Immutable, Alias("gw.KeyWindowEntry")]
public sealed record KeyWindowEntry(
    [property: Id(0)] long Id,
    [property: Id(1)] DateTimeOffset Until,
    [property: Id(2)] long Amount);
