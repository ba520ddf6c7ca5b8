namespace OrleansGateway.Chat;

/// <summary>One top-level request field the gateway does not own, forwarded to the provider as it came: its name and raw JSON value.</summary>
[GenerateSerializer, Immutable, Alias("gw.PassThroughField")]
public sealed record PassThroughField(
    [property: Id(0)] string Name,
    [property: Id(1)] string Json);
