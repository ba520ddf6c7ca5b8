namespace OrleansGateway.Batch;

/// <summary>One entry of an OpenAI batch's <c>errors</c>: a code, a message, the field and the input line (1-based) it is about.</summary>
[GenerateSerializer, Immutable, Alias("gw.BatchLineError")]
public sealed record BatchLineError(
    [property: Id(0)] string Code,
    [property: Id(1)] string Message,
    [property: Id(2)] string? Param,
    [property: Id(3)] int? Line);
