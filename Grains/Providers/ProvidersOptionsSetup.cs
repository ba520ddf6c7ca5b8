using Microsoft.Extensions.Configuration;

namespace OrleansGateway.Providers;

/// <summary>
/// Completes <see cref="ProvidersOptions"/> after binding: adds the built-in providers, fills their
/// defaults, applies the <c>&lt;NAME&gt;_API_KEY</c> / <c>&lt;NAME&gt;_BASE_URL</c> shorthands and
/// lower-cases provider names.
/// </summary>
internal sealed class ProvidersOptionsSetup(IConfiguration configuration) : IPostConfigureOptions<ProvidersOptions>
{
    public void PostConfigure(string? name, ProvidersOptions options)
    {
        // The built-in providers first, in their documented order, then the configured ones.
        var providers = new Dictionary<string, ProviderOptions>(StringComparer.OrdinalIgnoreCase);
        foreach (var builtIn in BuiltInProviders.All)
        {
            providers[builtIn.Name] = options.Providers.TryGetValue(builtIn.Name, out var configured) ? configured : new ProviderOptions();
        }

        foreach (var (providerName, provider) in options.Providers)
        {
            providers.TryAdd(providerName.ToLowerInvariant(), provider);
        }

        foreach (var (providerName, provider) in providers)
        {
            var builtIn = BuiltInProviders.Find(providerName);
            var prefix = providerName.ToUpperInvariant().Replace('-', '_');
            provider.ApiKey = NonEmpty(configuration[$"{prefix}_API_KEY"]) ?? NonEmpty(provider.ApiKey);
            provider.BaseUrl = NonEmpty(configuration[$"{prefix}_BASE_URL"]) ?? NonEmpty(provider.BaseUrl) ?? builtIn?.BaseUrl;
            provider.MaxTokensField ??= builtIn?.MaxTokensField ?? "max_completion_tokens";
            provider.SupportsJsonSchema ??= builtIn?.SupportsJsonSchema ?? false;
            provider.RequiresApiKey ??= builtIn?.RequiresApiKey ?? true;
            if (provider.Models.Count == 0 && builtIn is not null)
            {
                provider.Models = [.. builtIn.Models];
            }
        }

        options.Providers = providers;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
