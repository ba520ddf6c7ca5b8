namespace OrleansGateway.Frontend.Llm.Streaming;

/// <summary><c>POST /llm/generation/stream</c>: the generation request, answered as Server-Sent Events.</summary>
public static class LlmStreamApi
{
    public static RouteGroupBuilder MapGenerationStreamApi(this RouteGroupBuilder llm)
    {
        llm.MapPost("/generation/stream", GenerateStreamAsync);
        return llm;
    }

    /// <summary>Validates like <c>/llm/generation</c>, then streams (a <see cref="ChatStreamResult"/>, or an <see cref="ErrorResult"/> before the first byte).</summary>
    public static async Task<IResult> GenerateStreamAsync(HttpContext context, JsonBody<LlmGenerationRequest> body, ModelResolver models, ChatDispatcher dispatcher)
    {
        var (request, error) = LlmRequestMapper.ToGeneration(body.Value, models);
        if (request is null)
        {
            return new ErrorResult(error!);
        }

        return await ChatStreaming.StreamAsync(context, request, dispatcher, new LlmStreamFormat());
    }
}
