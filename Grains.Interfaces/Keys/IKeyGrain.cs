using System.Collections.Immutable;

namespace OrleansGateway.Keys;

/// <summary>
/// One virtual key (key: its id, <c>key-...</c>): its settings and secret hash, durable; its limits
/// (<see cref="KeyLimitKind"/>) as the single owner of its counters, so they hold across every frontend;
/// its spend and usage, durable.
/// </summary>
[Alias("gw.IKeyGrain")]
public interface IKeyGrain : IGrainWithStringKey
{
    /// <summary>Creates the key with the SHA-256 of its secret; creating it again changes nothing.</summary>
    [Alias("Create")]
    Task<VirtualKeyView> CreateAsync(VirtualKeySettings settings, ImmutableArray<byte> secretHash);

    /// <summary>The key, or null when it was never created.</summary>
    [Alias("Get")]
    Task<VirtualKeyView?> GetAsync();

    /// <summary>What a frontend checks a presented secret against; null when the key was never created.</summary>
    [Alias("GetAuth")]
    Task<VirtualKeyAuth?> GetAuthAsync();

    /// <summary>Replaces the settings (limits apply from the next request); null when the key was never created.</summary>
    [Alias("Update")]
    Task<VirtualKeyView?> UpdateAsync(VirtualKeySettings settings);

    /// <summary>Revokes the key for good; null when it was never created.</summary>
    [Alias("Revoke")]
    Task<VirtualKeyView?> RevokeAsync();

    /// <summary>
    /// A frontend's exchange: applies what it reports (allowance used and returned, settled usage and spend,
    /// holds given back), then grants it a new allowance if it asks and the limits have room, or says which refuses.
    /// </summary>
    [Alias("Grant")]
    Task<KeyGrant> GrantAsync(KeyGrantRequest request);

    /// <summary>Usage per day and model, oldest first.</summary>
    [Alias("GetUsage")]
    Task<ImmutableArray<KeyUsage>> GetUsageAsync();
}
