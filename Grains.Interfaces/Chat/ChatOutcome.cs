using System.Diagnostics.CodeAnalysis;

namespace OrleansGateway.Chat;

/// <summary>Either a <see cref="ChatResult"/> or the <see cref="GatewayError"/> that stopped it.</summary>
[GenerateSerializer, Immutable, Alias("gw.ChatOutcome")]
public sealed record ChatOutcome(
    [property: Id(0)] ChatResult? Result,
    [property: Id(1)] GatewayError? Error)
{
    /// <summary>True when the request produced a result.</summary>
    [MemberNotNullWhen(true, nameof(Result))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Result is not null;

    public static ChatOutcome Success(ChatResult result) => new(result, null);

    public static ChatOutcome Failure(GatewayError error) => new(null, error);
}
