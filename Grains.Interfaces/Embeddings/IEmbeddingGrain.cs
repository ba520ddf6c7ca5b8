using OrleansGateway.Cluster;

namespace OrleansGateway.Embeddings;

/// <summary>
/// Runs embedding requests where it is activated, taking provider slots from the provider's <c>IProviderGrain</c>;
/// a pool of them spreads over the silos, and a call repeated with the same id joins the run already going
/// (as <c>IChatGrain</c>'s).
/// </summary>
[Alias("gw.IEmbeddingGrain")]
public interface IEmbeddingGrain : IGrainWithIntegerKey, IPooledCallGrain
{
    /// <summary>Runs one embedding request, with retries and fallbacks, and returns the provider's body or the error; joins the run of <paramref name="callId"/> if one is going.</summary>
    [Alias("Embed"), ResponseTimeout("00:30:00")]
    Task<EmbeddingOutcome> EmbedAsync(Guid callId, EmbeddingRequest request, CancellationToken cancellationToken = default);
}
