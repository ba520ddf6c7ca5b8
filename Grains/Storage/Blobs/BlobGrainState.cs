namespace OrleansGateway.Storage;

/// <summary>The bytes of one <see cref="BlobGrain"/>.</summary>
[GenerateSerializer, Alias("gw.BlobGrainState")]
public sealed class BlobGrainState
{
    [Id(0)] public byte[]? Bytes { get; set; }
}
