namespace OrleansGateway.Embeddings;

/// <summary>
/// Runs embedding requests where it is activated (a stateless worker on every silo), taking
/// provider slots from the provider's <c>IProviderGrain</c>.
/// </summary>
[Alias("gw.IEmbeddingGrain")]
public interface IEmbeddingGrain : IGrainWithIntegerKey
{
    /// <summary>Runs one embedding request, with retries and fallbacks, and returns the provider's body or the error.</summary>
    [Alias("Embed"), ResponseTimeout("00:30:00")]
    Task<EmbeddingOutcome> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken = default);
}
