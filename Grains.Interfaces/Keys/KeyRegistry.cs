namespace OrleansGateway.Keys;

/// <summary>The one <see cref="IKeyRegistryGrain"/>'s key.</summary>
public static class KeyRegistry
{
    public const string Key = "keys";
}
