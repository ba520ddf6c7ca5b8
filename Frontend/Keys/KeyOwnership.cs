namespace OrleansGateway.Frontend.Keys;

/// <summary>
/// Who sees what a key made: a batch job, a batch or a file belongs to the virtual key that created it (its
/// id recorded with it; null for an admin key). A virtual key sees only its own (another key's is a 404, as if
/// it did not exist); the admin keys, and an open gateway, see everything.
/// </summary>
public static class KeyOwnership
{
    /// <summary>The virtual key <paramref name="context"/>'s request was made with, or null for an admin key.</summary>
    public static VirtualKeyCaller? Caller(HttpContext context) => context.Items[typeof(VirtualKeyCaller)] as VirtualKeyCaller;

    /// <summary>Whether the request's caller may see something owned by <paramref name="ownerKeyId"/>.</summary>
    public static bool Sees(HttpContext context, string? ownerKeyId) => Caller(context) is not { } caller || caller.Id == ownerKeyId;
}
