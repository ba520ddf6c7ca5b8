namespace OrleansGateway.Providers;

/// <summary>
/// What a <see cref="ProviderGrain"/> keeps across activations: whether its last activation may
/// have ended with leases outstanding, and, when it ended cleanly (deactivation, its silo shutting
/// down), the leases it handed over. After a clean end the new activation adopts those at once;
/// after a crash it waits for renewals before granting slots.
/// </summary>
[GenerateSerializer, Alias("gw.ProviderGrainState")]
public sealed class ProviderGrainState
{
    [Id(0)] public bool MayHaveLeases { get; set; }

    [Id(1)] public DateTimeOffset ActivatedAt { get; set; }

    /// <summary>True when the last activation ended through deactivation and wrote <see cref="HandedOverLeases"/>.</summary>
    [Id(2)] public bool EndedCleanly { get; set; }

    /// <summary>The leases held when the last activation ended cleanly (priority in the lowest bit).</summary>
    [Id(3)] public long[] HandedOverLeases { get; set; } = [];

    /// <summary>
    /// The callers' request ids of <see cref="HandedOverLeases"/>, index for index (<see cref="Guid.Empty"/>
    /// when unknown), so a caller whose grant was lost in the move gets the same lease when it asks again.
    /// </summary>
    [Id(4)] public Guid[] HandedOverRequests { get; set; } = [];

    /// <summary>The silos holding <see cref="HandedOverLeases"/>, index for index (null or empty when unknown), so the next activation still frees them when their silo dies.</summary>
    [Id(5)] public string?[] HandedOverHolders { get; set; } = [];
}
