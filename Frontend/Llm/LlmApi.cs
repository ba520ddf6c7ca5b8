using OrleansGateway.Frontend.Chat;
using OrleansGateway.Frontend.Classification;
using OrleansGateway.Frontend.Errors;
using OrleansGateway.Frontend.Json;
using OrleansGateway.Frontend.Streaming;
using OrleansGateway.Frontend.Summarization;

namespace OrleansGateway.Frontend.Llm;

/// <summary>The documented <c>/llm</c> surface and <c>GET /</c>.</summary>
public static class LlmApi
{
    public static IEndpointRouteBuilder MapLlmApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", GetRoot);
        var llm = app.MapGroup("/llm").RequireJsonBody();
        llm.MapGet("/providers", GetProviders);
        llm.MapPost("/generation", GenerateAsync);
        llm.MapPost("/generation/stream", LlmStreamApi.GenerateStreamAsync);
        llm.MapPost("/classification", ClassificationApi.ClassifyAsync);
        llm.MapPost("/summarization", SummarizationApi.SummarizeAsync);
        return app;
    }

    /// <summary><c>GET /</c>: the API is up, and its providers in upper case.</summary>
    public static IResult GetRoot(ModelResolver models) =>
        TypedResults.Json(
            new RootResponse("success", "up", [.. models.ProviderNames.Select(p => p.ToUpperInvariant())]),
            GatewayJsonContext.Default.RootResponse);

    /// <summary><c>GET /llm/providers</c>.</summary>
    public static IResult GetProviders(ModelResolver models) =>
        TypedResults.Json(new ProvidersResponse("success", models.ProviderNames), GatewayJsonContext.Default.ProvidersResponse);

    /// <summary><c>POST /llm/generation</c>.</summary>
    public static async Task<IResult> GenerateAsync(HttpContext context, RequestBodyReader reader, ModelResolver models, ChatDispatcher dispatcher)
    {
        var body = await reader.ReadAsync(context, GatewayJsonContext.Default.LlmGenerationRequest);
        if (body.Value is null)
        {
            return body.TooLarge ? LlmErrors.TooLarge(body.Error!) : LlmErrors.ToResult(body.Error!);
        }

        var (request, error) = LlmRequestMapper.ToGeneration(body.Value, models);
        if (request is null)
        {
            return LlmErrors.ToResult(error!);
        }

        var outcome = await dispatcher.CompleteAsync(request, context.RequestAborted);
        return outcome.Succeeded
            ? TypedResults.Json(new LlmTextResponse("success", outcome.Result.Content, LlmUsage.From(outcome.Result.Usage)), GatewayJsonContext.Default.LlmTextResponse)
            : LlmErrors.ToResult(outcome.Error, context);
    }
}
