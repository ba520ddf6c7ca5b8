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
        return outcome.Succeeded
            ? TypedResults.Json(ToResponse(outcome.Result), GatewayJsonContext.Default.ChatCompletionResponse)
            : OpenAiErrors.ToResult(outcome.Error, context);
    }

    /// <summary>A <c>chat.completion</c> object for a result.</summary>
    public static ChatCompletionResponse ToResponse(ChatResult result) =>
        new(result.Id, "chat.completion", result.CreatedUnixSeconds, result.Model,
            [new ChatCompletionChoice(0, new ChatCompletionMessage("assistant", result.Content, null), result.FinishReason, null)],
            OpenAiUsage.From(result.Usage));

    /// <summary><c>GET /v1/models</c>: every configured model as <c>provider/model</c>.</summary>
    public static IResult GetModels(ModelResolver models, TimeProvider time)
    {
        var created = time.GetUtcNow().ToUnixTimeSeconds();
        var entries = models.Providers
            .SelectMany(p => p.Value.Models.Select(m => new ModelEntry($"{p.Key}/{m}", "model", created, p.Key)))
            .ToList();
        return TypedResults.Json(new ModelsResponse("list", entries, [.. entries.Select(e => e.Id)]), GatewayJsonContext.Default.ModelsResponse);
    }
}
