namespace OrleansGateway.Frontend.OpenAi.Embeddings;

/// <summary>OpenAI's <c>POST /v1/embeddings</c>, routed by the <c>provider/model</c> prefix.</summary>
public static class EmbeddingsApi
{
    public static RouteGroupBuilder MapEmbeddingsApi(this RouteGroupBuilder v1)
    {
        v1.MapPost("/embeddings", CreateEmbeddingsAsync);
        return v1;
    }

    /// <summary><c>POST /v1/embeddings</c>: the provider's answer with <c>model</c> rewritten, or an OpenAI error.</summary>
    public static async Task<Results<FileContentHttpResult, ErrorResult>> CreateEmbeddingsAsync(
        JsonBody<EmbeddingsCreateRequest> body, ModelResolver models, EmbeddingDispatcher dispatcher, CancellationToken cancellationToken)
    {
        var (request, error) = EmbeddingsMapper.ToRequest(body.Value, models);
        if (request is null)
        {
            return new ErrorResult(error!);
        }

        var outcome = await dispatcher.EmbedAsync(request, cancellationToken);
        return outcome.Succeeded
            ? TypedResults.Bytes(EmbeddingsMapper.ToResponseBody(outcome), "application/json")
            : new ErrorResult(outcome.Error);
    }
}
