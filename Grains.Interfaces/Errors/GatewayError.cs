namespace OrleansGateway.Errors;

/// <summary>
/// A failure as the gateway reports it: its kind, a message safe to show (never a secret),
/// the provider involved, the provider's status code and how long to wait before retrying.
/// </summary>
[GenerateSerializer, Immutable, Alias("gw.GatewayError")]
public sealed record GatewayError(
    [property: Id(0)] GatewayErrorKind Kind,
    [property: Id(1)] string Message)
{
    [Id(2)] public string? Provider { get; init; }
    [Id(3)] public int? UpstreamStatus { get; init; }
    [Id(4)] public int? RetryAfterSeconds { get; init; }
    [Id(5)] public string? Param { get; init; }

    /// <summary>
    /// The machine-readable code a surface shows (OpenAI's <c>error.code</c>) when it is not the
    /// kind's usual one; <see cref="NoCode"/> shows none. Null: the kind's usual code.
    /// </summary>
    [Id(6)] public string? Code { get; init; }

    /// <summary>A <see cref="Code"/> that shows no code at all (<c>"code": null</c>).</summary>
    public const string NoCode = "";

    public static GatewayError Invalid(string message, string? param = null) =>
        new(GatewayErrorKind.InvalidRequest, message) { Param = param };
}
