using System.Collections.Immutable;

namespace OrleansGateway.Keys;

/// <summary>A page of virtual key ids in creation order, and whether more follow.</summary>
[GenerateSerializer, Immutable, Alias("gw.KeyPage")]
public sealed record KeyPage(
    [property: Id(0)] ImmutableArray<string> KeyIds,
    [property: Id(1)] bool HasMore);
