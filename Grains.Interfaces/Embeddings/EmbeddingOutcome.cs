using System.Diagnostics.CodeAnalysis;

namespace OrleansGateway.Embeddings;

/// <summary>
/// Either the provider's embeddings body (UTF-8 JSON, as it came) with the <c>provider/model</c>
/// that answered, or the <see cref="GatewayError"/> that stopped the request.
/// </summary>
[GenerateSerializer, Immutable, Alias("gw.EmbeddingOutcome")]
public sealed record EmbeddingOutcome(
    [property: Id(0)] byte[]? Body,
    [property: Id(1)] string? Model,
    [property: Id(2)] GatewayError? Error)
{
    /// <summary>True when the request produced embeddings.</summary>
    [MemberNotNullWhen(true, nameof(Body), nameof(Model))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Body is not null;

    public static EmbeddingOutcome Success(byte[] body, string model) => new(body, model, null);

    public static EmbeddingOutcome Failure(GatewayError error) => new(null, null, error);
}
