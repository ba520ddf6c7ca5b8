namespace OrleansGateway.Chat;

/// <summary>
/// The output format asked of the model: <c>text</c>, <c>json_object</c>, or <c>json_schema</c>
/// with the schema as raw JSON text.
/// </summary>
[GenerateSerializer, Immutable, Alias("gw.ResponseFormatSpec")]
public sealed record ResponseFormatSpec(
    [property: Id(0)] string Type,
    [property: Id(1)] string? SchemaName = null,
    [property: Id(2)] string? SchemaJson = null,
    [property: Id(3)] bool? Strict = null);
