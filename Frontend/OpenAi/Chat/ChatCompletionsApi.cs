namespace OrleansGateway.Frontend.OpenAi.Chat;

/// <summary>OpenAI's <c>POST /v1/chat/completions</c>, whole or streamed.</summary>
public static class ChatCompletionsApi
{
    public static RouteGroupBuilder MapChatCompletionsApi(this RouteGroupBuilder v1)
    {
        v1.MapPost("/chat/completions", CreateChatCompletionAsync);
        return v1;
    }

    /// <summary>
    /// <c>POST /v1/chat/completions</c>: a <c>chat.completion</c> (the provider's own body relayed when it
    /// kept one), a stream of chunks with <c>stream: true</c>, or an <see cref="ErrorResult"/>. Typed as
    /// <see cref="IResult"/> because a stream is one of its answers.
    /// </summary>
    public static async Task<IResult> CreateChatCompletionAsync(HttpContext context, JsonBody<ChatCompletionRequest> body, ModelResolver models, ChatDispatcher dispatcher)
    {
        var (request, error) = ChatCompletionMapper.ToChatRequest(body.Value, models);
        if (request is null)
        {
            return new ErrorResult(error!);
        }

        if (body.Value.Stream == true)
        {
            return await ChatStreaming.StreamAsync(context, request, dispatcher, new OpenAiStreamFormat(request.IncludeStreamUsage));
        }

        var outcome = await dispatcher.CompleteAsync(request, context.RequestAborted);
        if (!outcome.Succeeded)
        {
            return new ErrorResult(outcome.Error);
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
}
