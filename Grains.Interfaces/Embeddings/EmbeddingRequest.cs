namespace OrleansGateway.Embeddings;

/// <summary>
/// An OpenAI <c>/v1/embeddings</c> request as the gateway runs it: the <c>provider/model</c>, the
/// fields forwarded to the provider as they came (<c>input</c>, <c>encoding_format</c>,
/// <c>dimensions</c>, <c>user</c>, vendor fields) and the fallbacks, tried in order.
/// </summary>
[GenerateSerializer, Immutable, Alias("gw.EmbeddingRequest")]
public sealed record EmbeddingRequest(
    [property: Id(0)] string Model,
    [property: Id(1)] ImmutableArray<PassThroughField> Fields)
{
    [Id(2)] public ImmutableArray<string> Fallbacks { get; init; } = [];
    [Id(3)] public RequestPriority Priority { get; init; } = RequestPriority.Interactive;
}
