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

    /// <summary>Admits one request of at most <paramref name="maxTokens"/> tokens costing at most <paramref name="maxCost"/> USD, or says which limit refuses it.</summary>
    [Alias("Admit")]
    Task<KeyAdmissionResult> AdmitAsync(long maxTokens, decimal maxCost);

    /// <summary>Ends a reservation with the request's real usage and cost.</summary>
    [Alias("Settle")]
    Task SettleAsync(long reservationId, KeySettlement settlement);

    /// <summary>Ends a reservation of a request that failed or was cancelled: its tokens, budget and parallel slot come back.</summary>
    [Alias("Release")]
    Task ReleaseAsync(long reservationId);

    /// <summary>Usage per day and model, oldest first.</summary>
    [Alias("GetUsage")]
    Task<ImmutableArray<KeyUsage>> GetUsageAsync();
}
