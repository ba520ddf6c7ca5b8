using System.Collections.Immutable;

namespace OrleansGateway.Frontend.Llm;

/// <summary>Validates an <c>/llm</c> request and turns it into a <see cref="ChatRequest"/>.</summary>
public static class LlmRequestMapper
{
    /// <summary>Default sampling temperature of the <c>/llm</c> surface.</summary>
    public const double DefaultTemperature = 0.2;

    /// <summary>Default token limit of the <c>/llm</c> surface.</summary>
    public const int DefaultMaxTokens = 4096;

    /// <summary>The common checks: model, temperature 0–1, max_tokens 1–32768, fallbacks.</summary>
    public static GatewayError? ValidateCommon(LlmGenerationRequest body, ModelResolver models)
    {
        if (models.Validate(body.Model) is { } modelError)
        {
            return modelError;
        }

        if (body.Temperature is { } temperature && (temperature < 0 || temperature > 1 || double.IsNaN(temperature)))
        {
            return GatewayError.Invalid($"Invalid 'temperature' {temperature}: must be between 0.0 and 1.0.", "temperature");
        }

        if (body.MaxTokens is { } maxTokens && (maxTokens < 1 || maxTokens > 32768))
        {
            return GatewayError.Invalid($"Invalid 'max_tokens' {maxTokens}: must be between 1 and 32768.", "max_tokens");
        }

        return models.ValidateFallbacks(body.Fallbacks);
    }

    /// <summary>
    /// The common checks, then a <c>user_prompt</c> required: the text a task works on (to classify, to summarize);
    /// <paramref name="missing"/> is the message when there is none.
    /// </summary>
    public static GatewayError? ValidateWithText(LlmGenerationRequest body, ModelResolver models, string missing) =>
        ValidateCommon(body, models)
        ?? (string.IsNullOrWhiteSpace(body.UserPrompt) ? GatewayError.Invalid(missing, "user_prompt") : null);

    /// <summary>A generation: the system prompt and the user prompt as messages.</summary>
    public static (ChatRequest? Request, GatewayError? Error) ToGeneration(LlmGenerationRequest body, ModelResolver models)
    {
        if (ValidateCommon(body, models) is { } error)
        {
            return (null, error);
        }

        if (string.IsNullOrWhiteSpace(body.UserPrompt) && string.IsNullOrWhiteSpace(body.Prompt))
        {
            return (null, GatewayError.Invalid("Missing 'user_prompt': give the text to answer (and optionally a system 'prompt').", "user_prompt"));
        }

        var messages = ImmutableArray.CreateBuilder<ChatMessage>(2);
        if (!string.IsNullOrEmpty(body.Prompt))
        {
            messages.Add(new ChatMessage("system", body.Prompt));
        }

        if (!string.IsNullOrEmpty(body.UserPrompt))
        {
            messages.Add(new ChatMessage("user", body.UserPrompt));
        }

        return (Build(body, messages.ToImmutable()), null);
    }

    /// <summary>A chat request with the body's model, sampling settings and fallbacks.</summary>
    public static ChatRequest Build(LlmGenerationRequest body, ImmutableArray<ChatMessage> messages) =>
        new(body.Model!.Trim(), messages)
        {
            Temperature = (float)(body.Temperature ?? DefaultTemperature),
            MaxTokens = body.MaxTokens ?? DefaultMaxTokens,
            Fallbacks = body.Fallbacks is null ? [] : [.. body.Fallbacks],
        };
}
