namespace OrleansGateway.Paging;

/// <summary>
/// A page of ids from a registry grain (batch jobs newest first, files in the order asked for, virtual keys in
/// creation order), and whether more follow.
/// </summary>
[GenerateSerializer, Immutable, Alias("gw.IdPage")]
public sealed record IdPage(
    [property: Id(0)] ImmutableArray<string> Ids,
    [property: Id(1)] bool HasMore);
