using System.Collections.Immutable;

namespace OrleansGateway.Keys;

/// <summary>
/// What a <see cref="KeyGrain"/> stores: settings, secret hash, creation and revocation, the settled
/// spend of the budget period that began at <see cref="SpendPeriodStart"/>, and usage per day and model.
/// The limiter's windows and the frontends' holds (<see cref="Limiter"/>) are stored at every exchange, so a
/// new activation after a silo's crash resumes them.
/// </summary>
[GenerateSerializer, Alias("gw.KeyGrainState")]
public sealed class KeyGrainState
{
    [Id(0)] public VirtualKeySettings? Settings { get; set; }

    [Id(1)] public ImmutableArray<byte> SecretHash { get; set; } = [];

    [Id(2)] public DateTimeOffset CreatedAt { get; set; }

    [Id(3)] public bool Revoked { get; set; }

    [Id(4)] public decimal Spend { get; set; }

    [Id(5)] public DateTimeOffset SpendPeriodStart { get; set; }

    [Id(6)] public List<KeyUsage> Usage { get; set; } = [];

    [Id(7)] public KeyLimiterState? Limiter { get; set; }
}
