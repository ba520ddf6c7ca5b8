using OrleansGateway.Frontend.Chat;
using OrleansGateway.Frontend.Errors;
using OrleansGateway.Frontend.Json;
using OrleansGateway.Frontend.Llm;

namespace OrleansGateway.Frontend.Streaming;

/// <summary><c>POST /llm/generation/stream</c>: the generation request, answered as Server-Sent Events.</summary>
public static class LlmStreamApi
{
    /// <summary>Validates like <c>/llm/generation</c>, then streams.</summary>
    public static async Task<IResult> GenerateStreamAsync(HttpContext context, RequestBodyReader reader, ModelResolver models, ChatDispatcher dispatcher)
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

        return await ChatStreaming.StreamAsync(context, request, dispatcher, new LlmStreamFormat());
    }
}
