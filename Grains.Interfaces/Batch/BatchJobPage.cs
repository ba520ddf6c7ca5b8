using System.Collections.Immutable;

namespace OrleansGateway.Batch;

/// <summary>A page of job ids, newest first, and whether older ones follow.</summary>
[GenerateSerializer, Immutable, Alias("gw.BatchJobPage")]
public sealed record BatchJobPage(
    [property: Id(0)] ImmutableArray<string> JobIds,
    [property: Id(1)] bool HasMore);
