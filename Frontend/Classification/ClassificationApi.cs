using OrleansGateway.Chat;
using OrleansGateway.Errors;
using OrleansGateway.Frontend.Chat;
using OrleansGateway.Frontend.Errors;
using OrleansGateway.Frontend.Json;
using OrleansGateway.Frontend.Llm;
using OrleansGateway.Providers;

namespace OrleansGateway.Frontend.Classification;

/// <summary>
/// <c>POST /llm/classification</c>: asks the model for exactly one of the caller's classes (with a
/// JSON schema where the provider supports it, a plain instruction where not), reads the answer
/// leniently, asks once more with a correction when it names no class, and sums the usage of both calls.
/// </summary>
public static class ClassificationApi
{
    private const int QuoteLength = 300;

    public static async Task<IResult> ClassifyAsync(HttpContext context, RequestBodyReader reader, ModelResolver models, ChatDispatcher dispatcher)
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
            return LlmErrors.ToResult(GatewayError.Invalid("Missing 'user_prompt': give the text to classify.", "user_prompt"));
        }

        var (classes, classesError) = ClassesReader.Read(input.Classes);
        if (classes is null)
        {
            return LlmErrors.ToResult(classesError!);
        }

        var messages = ClassificationPrompt.Messages(input.Prompt, input.UserPrompt, classes);
        var request = LlmRequestMapper.Build(input, messages) with
        {
            ResponseFormat = SupportsJsonSchema(input.Model!, models) ? ClassificationPrompt.Schema(classes) : null,
        };

        var first = await dispatcher.CompleteAsync(request, context.RequestAborted);
        if (!first.Succeeded)
        {
            return LlmErrors.ToResult(first.Error, context);
        }

        var usage = first.Result.Usage;
        var answer = first.Result.Content;
        var match = ClassAnswerParser.Match(answer, classes);
        if (match is null)
        {
            var second = await dispatcher.CompleteAsync(request with { Messages = ClassificationPrompt.Correction(messages, answer, classes) }, context.RequestAborted);
            if (!second.Succeeded)
            {
                return LlmErrors.ToResult(second.Error, context);
            }

            usage += second.Result.Usage;
            answer = second.Result.Content;
            match = ClassAnswerParser.Match(answer, classes);
        }

        if (match is null)
        {
            return LlmErrors.ToResult(new GatewayError(GatewayErrorKind.Upstream,
                $"The model did not answer with one of the classes ({string.Join(", ", classes.Select(c => c.Id))}), even when asked again; it said: \"{Quote(answer)}\"."));
        }

        return TypedResults.Json(new ClassificationResponse("success", match, LlmUsage.From(usage)), LlmTasksJsonContext.Default.ClassificationResponse);
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
