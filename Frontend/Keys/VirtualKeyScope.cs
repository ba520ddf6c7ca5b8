namespace OrleansGateway.Frontend.Keys;

/// <summary>
/// The virtual key of the request being served, set by the key check for the rest of the request, so the
/// dispatchers (called by every endpoint, some several times per request) charge it without each
/// handler passing it on. Null for the admin keys and an open gateway.
/// </summary>
public static class VirtualKeyScope
{
    private static readonly AsyncLocal<VirtualKeyCaller?> s_current = new();

    /// <summary>The current request's virtual key, or null.</summary>
    public static VirtualKeyCaller? Current
    {
        get => s_current.Value;
        set => s_current.Value = value;
    }
}
