using OrleansGateway.Chat;
using OrleansGateway.Frontend.Chat;
using OrleansGateway.Frontend.Errors;
using OrleansGateway.Frontend.Json;
using OrleansGateway.Frontend.Streaming;

namespace OrleansGateway.Frontend.OpenAi;

/// <summary>The OpenAI-compatible <c>/v1</c> surface: chat completions and models.</summary>
public static class OpenAiApi
{
    public static IEndpointRouteBuilder MapOpenAiApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").RequireJsonBody();
        v1.MapPost("/chat/completions", CreateChatCompletionAsync);
        v1.MapGet("/models", GetModels);
        v1.MapGet("/models/{**id}", GetModel);
        return app;
    }

    /// <summary><c>POST /v1/chat/completions</c>.</summary>
    public static async Task<IResult> CreateChatCompletionAsync(HttpContext context, RequestBodyReader reader, ModelResolver models, ChatDispatcher dispatcher)
    {
        var body = await reader.ReadAsync(context, GatewayJsonContext.Default.ChatCompletionRequest);
        if (body.Value is null)
        {
            return body.TooLarge ? OpenAiErrors.TooLarge(body.Error!) : OpenAiErrors.ToResult(body.Error!);
        }

        var (request, error) = ChatCompletionMapper.ToChatRequest(body.Value, models);
        if (request is null)
        {
            return OpenAiErrors.ToResult(error!);
        }

        if (body.Value.Stream == true)
        {
            return await ChatStreaming.StreamAsync(context, request, dispatcher, new OpenAiStreamFormat(request.IncludeStreamUsage));
        }

        var outcome = await dispatcher.CompleteAsync(request, context.RequestAborted);
        if (!outcome.Succeeded)
        {
            return OpenAiErrors.ToResult(outcome.Error, context);
        }

        return outcome.Result.ProviderBody is null
            ? TypedResults.Json(ToResponse(outcome.Result), GatewayJsonContext.Default.ChatCompletionResponse)
            : TypedResults.Bytes(ChatCompletionBody.Write(outcome.Result), "application/json");
    }

    /// <summary>A <c>chat.completion</c> object for a result.</summary>
    public static ChatCompletionResponse ToResponse(ChatResult result) =>
        new(result.Id, "chat.completion", result.CreatedUnixSeconds, result.Model,
            [new ChatCompletionChoice(0, new ChatCompletionMessage("assistant", result.Content, null), result.FinishReason, null)],
            OpenAiUsage.From(result.Usage));

    /// <summary><c>GET /v1/models</c>: every configured chat and embedding model as <c>provider/model</c>.</summary>
    public static IResult GetModels(ModelResolver models, TimeProvider time)
    {
        var entries = Entries(models, time.GetUtcNow().ToUnixTimeSeconds()).ToList();
        return TypedResults.Json(new ModelsResponse("list", entries, [.. entries.Select(e => e.Id)]), GatewayJsonContext.Default.ModelsResponse);
    }

    /// <summary>
    /// <c>GET /v1/models/{id}</c>: one model object. The id has a slash, sent as is
    /// (<c>/v1/models/openai/gpt-4o</c>) or escaped (<c>/v1/models/openai%2Fgpt-4o</c>, as the Python SDK does).
    /// </summary>
    public static IResult GetModel(string id, ModelResolver models, TimeProvider time)
    {
        var name = Uri.UnescapeDataString(id);
        var entry = Entries(models, time.GetUtcNow().ToUnixTimeSeconds()).FirstOrDefault(e => string.Equals(e.Id, name, StringComparison.Ordinal));
        return entry is null
            ? OpenAiErrors.ToResult(new OrleansGateway.Errors.GatewayError(OrleansGateway.Errors.GatewayErrorKind.NotFound, $"The model '{name}' does not exist.") { Param = "model" })
            : TypedResults.Json(entry, GatewayJsonContext.Default.ModelEntry);
    }

    private static IEnumerable<ModelEntry> Entries(ModelResolver models, long created) =>
        models.Providers.SelectMany(p => p.Value.Models.Concat(p.Value.EmbeddingModels).Distinct(StringComparer.Ordinal)
            .Select(m => new ModelEntry($"{p.Key}/{m}", "model", created, p.Key)));
}
