using System.Collections.Immutable;

namespace OrleansGateway.Keys;

/// <summary>What a frontend needs to authenticate a virtual key: its secret's SHA-256, its settings and whether it is revoked.</summary>
[GenerateSerializer, Immutable, Alias("gw.VirtualKeyAuth")]
public sealed record VirtualKeyAuth(
    [property: Id(0)] string Id,
    [property: Id(1)] ImmutableArray<byte> SecretHash,
    [property: Id(2)] VirtualKeySettings Settings,
    [property: Id(3)] bool Revoked);
