namespace OrleansGateway.Providers;

/// <summary>
/// What a <see cref="ProviderGrain"/> keeps across activations: whether its last activation may
/// have ended with leases outstanding (a crash), in which case a new one waits for renewals
/// before granting slots.
/// </summary>
[GenerateSerializer, Alias("gw.ProviderGrainState")]
public sealed class ProviderGrainState
{
    [Id(0)] public bool MayHaveLeases { get; set; }

    [Id(1)] public DateTimeOffset ActivatedAt { get; set; }
}
