using OrleansGateway.Providers;

namespace OrleansGateway.Frontend.Llm.Classification;

/// <summary>
/// <c>POST /llm/classification</c>: asks the model for exactly one of the caller's classes (with a
/// JSON schema where the provider supports it, a plain instruction where not), reads the answer
/// leniently, asks once more with a correction when it names no class, and sums the usage of both calls.
/// </summary>
public static class ClassificationApi
{
    private const int QuoteLength = 300;

    public static RouteGroupBuilder MapClassificationApi(this RouteGroupBuilder llm)
    {
        llm.MapPost("/classification", ClassifyAsync);
        return llm;
    }

    public static async Task<Results<JsonHttpResult<ClassificationResponse>, ErrorResult>> ClassifyAsync(
        JsonBody<LlmGenerationRequest> body, ModelResolver models, ChatDispatcher dispatcher, CancellationToken cancellationToken)
    {
        var input = body.Value;
        if (LlmRequestMapper.ValidateWithText(input, models, "Missing 'user_prompt': give the text to classify.") is { } inputError)
        {
            return new ErrorResult(inputError);
        }

        var (classes, classesError) = ClassesReader.Read(input.Classes);
        if (classes is null)
        {
            return new ErrorResult(classesError!);
        }

        var messages = ClassificationPrompt.Messages(input.Prompt, input.UserPrompt!, classes);
        var request = LlmRequestMapper.Build(input, messages) with
        {
            ResponseFormat = SupportsJsonSchema(input.Model!, models) ? ClassificationPrompt.Schema(classes) : null,
        };

        var first = await dispatcher.CompleteAsync(request, cancellationToken);
        if (!first.Succeeded)
        {
            return new ErrorResult(first.Error);
        }

        var usage = first.Result.Usage;
        var answer = first.Result.Content;
        var match = ClassAnswerParser.Match(answer, classes);
        if (match is null)
        {
            var second = await dispatcher.CompleteAsync(request with { Messages = ClassificationPrompt.Correction(messages, answer, classes) }, cancellationToken);
            if (!second.Succeeded)
            {
                return new ErrorResult(second.Error);
            }

            usage += second.Result.Usage;
            answer = second.Result.Content;
            match = ClassAnswerParser.Match(answer, classes);
        }

        if (match is null)
        {
            return new ErrorResult(new GatewayError(GatewayErrorKind.Upstream,
                $"The model did not answer with one of the classes ({string.Join(", ", classes.Select(c => c.Id))}), even when asked again; it said: \"{Quote(answer)}\"."));
        }

        return TypedResults.Json(new ClassificationResponse("success", match, LlmUsage.From(usage)), GatewayJsonContext.Default.ClassificationResponse);
    }

    /// <summary>Whether the provider of <paramref name="model"/> honours a JSON schema (its <c>SupportsJsonSchema</c> setting).</summary>
    private static bool SupportsJsonSchema(string model, ModelResolver models) =>
        ProviderRoute.TryParse(model, out var route)
        && models.Providers.TryGetValue(route.Provider, out var provider)
        && provider.SupportsJsonSchema == true;

    private static string Quote(string answer)
    {
        var text = answer.Trim();
        return text.Length <= QuoteLength ? text : text[..QuoteLength] + "…";
    }
}
