using OrleansGateway.Errors;
using OrleansGateway.Frontend.Errors;
using OrleansGateway.Frontend.Json;
using OrleansGateway.Frontend.Llm;

namespace OrleansGateway.Frontend.Summarization;

/// <summary><c>POST /llm/summarization</c>: <c>user_prompt</c> is the text, an optional <c>prompt</c> adds instructions.</summary>
public static class SummarizationApi
{
    public static async Task<IResult> SummarizeAsync(HttpContext context, RequestBodyReader reader, Chat.ModelResolver models, Summarizer summarizer)
    {
        var body = await reader.ReadAsync(context, GatewayJsonContext.Default.LlmGenerationRequest);
        if (body.Value is null)
        {
            return body.TooLarge ? LlmErrors.TooLarge(body.Error!) : LlmErrors.ToResult(body.Error!);
        }

        var input = body.Value;
        if (LlmRequestMapper.ValidateCommon(input, models) is { } commonError)
        {
            return LlmErrors.ToResult(commonError);
        }

        if (string.IsNullOrWhiteSpace(input.UserPrompt))
        {
            return LlmErrors.ToResult(GatewayError.Invalid("Missing 'user_prompt': give the text to summarize (and optionally instructions in 'prompt').", "user_prompt"));
        }

        var (summary, usage, error) = await summarizer.SummarizeAsync(input, context.RequestAborted);
        return summary is null
            ? LlmErrors.ToResult(error!, context)
            : TypedResults.Json(new SummarizationResponse("success", new SummaryContent(summary), LlmUsage.From(usage)), LlmTasksJsonContext.Default.SummarizationResponse);
    }
}
