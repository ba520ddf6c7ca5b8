using OrleansGateway.Providers;

namespace OrleansGateway.Frontend.Chat;

/// <summary>Checks <c>provider/model_name</c> names against the configured providers, for both surfaces.</summary>
public sealed class ModelResolver(IOptions<ProvidersOptions> options)
{
    /// <summary>The configured provider names, in configuration order.</summary>
    public IReadOnlyList<string> ProviderNames => [.. options.Value.Providers.Keys];

    /// <summary>The configured providers.</summary>
    public IReadOnlyDictionary<string, ProviderOptions> Providers => options.Value.Providers;

    /// <summary>Null when <paramref name="model"/> routes to a known provider; otherwise why not.</summary>
    public GatewayError? Validate(string? model, string param = "model")
    {
        if (string.IsNullOrWhiteSpace(model))
        {
            return GatewayError.Invalid($"Missing required field '{param}': a model in the format provider/model_name, e.g. openai/gpt-4o.", param);
        }

        if (!ProviderRoute.TryParse(model, out var route))
        {
            return GatewayError.Invalid($"Invalid {param} '{model}': expected provider/model_name, e.g. openai/gpt-4o.", param);
        }

        if (!options.Value.Providers.ContainsKey(route.Provider))
        {
            return ProviderErrors.UnknownProvider(route.Provider, model, param, ProviderNames);
        }

        return null;
    }

    /// <summary>Validates a list of fallback models.</summary>
    public GatewayError? ValidateFallbacks(IReadOnlyList<string>? fallbacks)
    {
        if (fallbacks is null)
        {
            return null;
        }

        if (fallbacks.Count > 10)
        {
            return GatewayError.Invalid("At most 10 fallbacks may be given.", "fallbacks");
        }

        for (var i = 0; i < fallbacks.Count; i++)
        {
            if (Validate(fallbacks[i], $"fallbacks[{i}]") is { } error)
            {
                return error;
            }
        }

        return null;
    }
}
