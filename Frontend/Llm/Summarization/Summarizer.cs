namespace OrleansGateway.Frontend.Llm.Summarization;

/// <summary>
/// Summarizes a text through the chat grain: in one call when it fits
/// <see cref="SummarizationOptions.MaxChunkCharacters"/>, otherwise map-reduce (the parts are
/// summarized, their joined summaries split and summarized again while still too long, then
/// summarized once more as a whole). Usage sums every call.
/// </summary>
public sealed class Summarizer(ChatDispatcher dispatcher, IOptions<SummarizationOptions> options)
{
    /// <summary>The summary and the usage of all calls, or the first error.</summary>
    public async Task<(string? Summary, TokenUsage Usage, GatewayError? Error)> SummarizeAsync(LlmGenerationRequest body, CancellationToken cancellationToken)
    {
        var maxLength = options.Value.MaxChunkCharacters;
        var text = body.UserPrompt!;
        var usage = TokenUsage.Zero;
        var split = false;
        while (text.Length > maxLength)
        {
            var parts = TextSplitter.Split(text, maxLength);
            var (summaries, partsUsage, error) = await SummarizePartsAsync(body, parts, cancellationToken);
            usage += partsUsage;
            if (error is not null)
            {
                return (null, usage, error);
            }

            var combined = string.Join("\n\n", summaries!);
            if (combined.Length >= text.Length)
            {
                return (null, usage, new GatewayError(GatewayErrorKind.Upstream,
                    $"The model's summaries of the {parts.Count} parts ({combined.Length} characters) were not shorter than the text they summarize ({text.Length} characters)."));
            }

            text = combined;
            split = true;
        }

        var request = LlmRequestMapper.Build(body, SummarizationPrompt.Final(text, split, body.Prompt));
        var outcome = await dispatcher.CompleteAsync(request, cancellationToken);
        if (!outcome.Succeeded)
        {
            return (null, usage, outcome.Error);
        }

        return (outcome.Result.Content.Trim(), usage + outcome.Result.Usage, null);
    }

    private async Task<(string[]? Summaries, TokenUsage Usage, GatewayError? Error)> SummarizePartsAsync(
        LlmGenerationRequest body, IReadOnlyList<string> parts, CancellationToken cancellationToken)
    {
        using var gate = new SemaphoreSlim(options.Value.MaxParallelCalls);
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var outcomes = await Task.WhenAll(parts.Select(async (part, index) =>
        {
            await gate.WaitAsync(failed.Token).ConfigureAwait(false);
            try
            {
                var request = LlmRequestMapper.Build(body, SummarizationPrompt.Part(part, index, parts.Count, body.Prompt));
                var outcome = await dispatcher.CompleteAsync(request, failed.Token);
                if (!outcome.Succeeded)
                {
                    // One failed part fails the summary: stop the others.
                    await failed.CancelAsync();
                }

                return outcome;
            }
            finally
            {
                gate.Release();
            }
        }).Select(CatchCancellation));

        var usage = outcomes.Where(o => o.Succeeded).Aggregate(TokenUsage.Zero, (sum, o) => sum + o.Result!.Usage);
        var error = outcomes.FirstOrDefault(o => !o.Succeeded && o.Error.Kind != GatewayErrorKind.Cancelled)?.Error
            ?? outcomes.FirstOrDefault(o => !o.Succeeded)?.Error;
        return error is null ? ([.. outcomes.Select(o => o.Result!.Content.Trim())], usage, null) : (null, usage, error);
    }

    private static async Task<ChatOutcome> CatchCancellation(Task<ChatOutcome> call)
    {
        try
        {
            return await call;
        }
        catch (OperationCanceledException)
        {
            return ChatOutcome.Failure(new GatewayError(GatewayErrorKind.Cancelled, "The request was cancelled."));
        }
    }
}
