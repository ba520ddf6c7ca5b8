using System.Collections.Immutable;

namespace OrleansGateway.Files;

/// <summary>A page of file ids in the order asked for, and whether more follow.</summary>
[GenerateSerializer, Immutable, Alias("gw.FilePage")]
public sealed record FilePage(
    [property: Id(0)] ImmutableArray<string> FileIds,
    [property: Id(1)] bool HasMore);
