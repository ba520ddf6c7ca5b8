namespace OrleansGateway.Frontend.Llm.Summarization;

/// <summary><c>POST /llm/summarization</c>: <c>user_prompt</c> is the text, an optional <c>prompt</c> adds instructions.</summary>
public static class SummarizationApi
{
    public static RouteGroupBuilder MapSummarizationApi(this RouteGroupBuilder llm)
    {
        llm.MapPost("/summarization", SummarizeAsync);
        return llm;
    }

    public static async Task<Results<JsonHttpResult<SummarizationResponse>, ErrorResult>> SummarizeAsync(
        JsonBody<LlmGenerationRequest> body, ModelResolver models, Summarizer summarizer, CancellationToken cancellationToken)
    {
        var input = body.Value;
        if (LlmRequestMapper.ValidateWithText(input, models, "Missing 'user_prompt': give the text to summarize (and optionally instructions in 'prompt').") is { } inputError)
        {
            return new ErrorResult(inputError);
        }

        var (summary, usage, error) = await summarizer.SummarizeAsync(input, cancellationToken);
        return summary is null
            ? new ErrorResult(error!)
            : TypedResults.Json(new SummarizationResponse("success", new SummaryContent(summary), LlmUsage.From(usage)), GatewayJsonContext.Default.SummarizationResponse);
    }
}
