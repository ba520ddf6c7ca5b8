using System.Diagnostics.CodeAnalysis;

namespace OrleansGateway.Providers;

/// <summary>
/// A granted slot (its id and the time-to-live the holder must renew within) or the reason none was given.
/// <see cref="RoomToSpare"/> says the provider had plenty of free slots and nobody waiting when it
/// granted this one, so the holder's process may keep the slot for its next request for a moment.
/// <see cref="AskAgain"/> says the grain is moving to another silo and did not queue the request: the caller
/// asks again (with the same request id) and reaches the next activation.
/// </summary>
[GenerateSerializer, Immutable, Alias("gw.LeaseResult")]
public sealed record LeaseResult(
    [property: Id(0)] long LeaseId,
    [property: Id(1)] TimeSpan TimeToLive,
    [property: Id(2)] GatewayError? Error,
    [property: Id(3)] bool RoomToSpare = false,
    [property: Id(4)] bool AskAgain = false)
{
    /// <summary>True when a slot was granted.</summary>
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Granted => Error is null;

    public static LeaseResult Grant(long leaseId, TimeSpan timeToLive, bool roomToSpare = false) => new(leaseId, timeToLive, null, roomToSpare);

    public static LeaseResult Refuse(GatewayError error) => new(0, TimeSpan.Zero, error);

    /// <summary>No slot now because the grain is moving: ask again. <paramref name="error"/> is what the caller reports if it gives up.</summary>
    public static LeaseResult Moving(GatewayError error) => new(0, TimeSpan.Zero, error, AskAgain: true);
}
