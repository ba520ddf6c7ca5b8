namespace OrleansGateway.Keys;

/// <summary>What the <see cref="KeyRegistryGrain"/> stores: key ids in creation order and each secret hash's key id.</summary>
[GenerateSerializer, Alias("gw.KeyRegistryState")]
public sealed class KeyRegistryState
{
    [Id(0)] public List<string> KeyIds { get; set; } = [];

    [Id(1)] public Dictionary<string, string> IdsByHash { get; set; } = new(StringComparer.Ordinal);
}
