namespace OrleansGateway.Providers;

/// <summary>Checks every provider setting at start and reports every failure at once, naming the setting.</summary>
internal sealed class ProvidersOptionsValidator : IValidateOptions<ProvidersOptions>
{
    public ValidateOptionsResult Validate(string? name, ProvidersOptions options)
    {
        var failures = new List<string>();
        if (options.MaxRequestBodyBytes <= 0)
        {
            failures.Add($"Gateway:MaxRequestBodyBytes must be positive (was {options.MaxRequestBodyBytes}).");
        }

        foreach (var (providerName, provider) in options.Providers)
        {
            var prefix = $"Gateway:Providers:{providerName}";
            if (!IsValidProviderName(providerName))
            {
                failures.Add($"{prefix}: a provider name may hold only letters, digits, '-' and '_'.");
            }

            if (string.IsNullOrWhiteSpace(provider.BaseUrl))
            {
                failures.Add($"{prefix}:BaseUrl is required for a provider that is not built in (or set {providerName.ToUpperInvariant()}_BASE_URL).");
            }
            else if (!Uri.TryCreate(provider.BaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                failures.Add($"{prefix}:BaseUrl must be an absolute http or https URL (was '{provider.BaseUrl}').");
            }

            Positive(failures, $"{prefix}:MaxConcurrency", provider.MaxConcurrency);
            Positive(failures, $"{prefix}:TimeoutSeconds", provider.TimeoutSeconds);
            Positive(failures, $"{prefix}:StreamIdleTimeoutSeconds", provider.StreamIdleTimeoutSeconds);
            Positive(failures, $"{prefix}:QueueTimeoutSeconds", provider.QueueTimeoutSeconds);
            Positive(failures, $"{prefix}:LeaseTtlSeconds", provider.LeaseTtlSeconds);
            Positive(failures, $"{prefix}:CircuitFailureThreshold", provider.CircuitFailureThreshold);
            Positive(failures, $"{prefix}:MaxRetryDelaySeconds", provider.MaxRetryDelaySeconds);
            NotNegative(failures, $"{prefix}:MaxQueue", provider.MaxQueue);
            NotNegative(failures, $"{prefix}:MaxRetries", provider.MaxRetries);
            NotNegative(failures, $"{prefix}:LeaseReuseMilliseconds", provider.LeaseReuseMilliseconds);
            NotNegative(failures, $"{prefix}:RetryBaseDelayMilliseconds", provider.RetryBaseDelayMilliseconds);
            NotNegative(failures, $"{prefix}:CircuitCooldownSeconds", provider.CircuitCooldownSeconds);
            if (provider.FirstTokenTimeoutSeconds is { } firstToken)
            {
                Positive(failures, $"{prefix}:FirstTokenTimeoutSeconds", firstToken);
            }

            if (provider.BatchMinShare is < 0 or > 1 || double.IsNaN(provider.BatchMinShare))
            {
                failures.Add($"{prefix}:BatchMinShare must be between 0 and 1 (was {provider.BatchMinShare}).");
            }

            if (provider.MaxTokensField is not ("max_tokens" or "max_completion_tokens"))
            {
                failures.Add($"{prefix}:MaxTokensField must be 'max_tokens' or 'max_completion_tokens' (was '{provider.MaxTokensField}').");
            }

            foreach (var (model, chain) in provider.Fallbacks)
            {
                foreach (var fallback in chain)
                {
                    var slash = fallback.IndexOf('/');
                    if (slash <= 0 || slash == fallback.Length - 1)
                    {
                        failures.Add($"{prefix}:Fallbacks:{model} entry '{fallback}' must be 'provider/model'.");
                    }
                    else if (!options.Providers.ContainsKey(fallback[..slash]))
                    {
                        failures.Add($"{prefix}:Fallbacks:{model} entry '{fallback}' names an unknown provider.");
                    }
                }
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsValidProviderName(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static void Positive(List<string> failures, string setting, int value)
    {
        if (value <= 0)
        {
            failures.Add($"{setting} must be positive (was {value}).");
        }
    }

    private static void NotNegative(List<string> failures, string setting, int value)
    {
        if (value < 0)
        {
            failures.Add($"{setting} must not be negative (was {value}).");
        }
    }
}
