using OrleansGateway.Frontend.Chat;
using OrleansGateway.Frontend.Errors;
using OrleansGateway.Frontend.Json;

namespace OrleansGateway.Frontend.Embeddings;

/// <summary>OpenAI's <c>POST /v1/embeddings</c>, routed by the <c>provider/model</c> prefix.</summary>
public static class EmbeddingsApi
{
    public static IEndpointRouteBuilder MapEmbeddingsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/embeddings", CreateEmbeddingsAsync);
        return app;
    }

    /// <summary><c>POST /v1/embeddings</c>: the provider's answer with <c>model</c> rewritten, or an OpenAI error.</summary>
    public static async Task<IResult> CreateEmbeddingsAsync(HttpContext context, RequestBodyReader reader, ModelResolver models, EmbeddingDispatcher dispatcher)
    {
        var body = await reader.ReadAsync(context, GatewayJsonContext.Default.EmbeddingsCreateRequest);
        if (body.Value is null)
        {
            return body.TooLarge ? OpenAiErrors.TooLarge(body.Error!) : OpenAiErrors.ToResult(body.Error!);
        }

        var (request, error) = EmbeddingsMapper.ToRequest(body.Value, models);
        if (request is null)
        {
            return OpenAiErrors.ToResult(error!);
        }

        var outcome = await dispatcher.EmbedAsync(request, context.RequestAborted);
        return outcome.Succeeded
            ? TypedResults.Bytes(EmbeddingsMapper.ToResponseBody(outcome), "application/json")
            : OpenAiErrors.ToResult(outcome.Error, context);
    }
}
