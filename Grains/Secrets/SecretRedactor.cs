using Microsoft.Extensions.Configuration;

namespace OrleansGateway.Secrets;

/// <summary>
/// Knows every configured secret (each provider's <c>ApiKey</c>, <c>SECRET_TOKEN</c>, every key of
/// <c>API_KEYS</c>, and whatever <see cref="Add"/> is given later, such as virtual keys) and removes
/// them from text that came from outside (a provider's error message) before it reaches a client
/// or a log line, whatever the provider said.
/// </summary>
public sealed class SecretRedactor
{
    /// <summary>What a secret is replaced with.</summary>
    public const string Placeholder = "[redacted]";

    private readonly object _gate = new();
    private string[] _secrets;

    public SecretRedactor(IOptions<ProvidersOptions> options, IConfiguration configuration)
    {
        var secrets = new List<string>();
        foreach (var provider in options.Value.Providers.Values)
        {
            secrets.Add(provider.ApiKey ?? string.Empty);
        }

        secrets.Add(configuration["SECRET_TOKEN"] ?? string.Empty);
        secrets.AddRange((configuration["API_KEYS"] ?? string.Empty).Split(','));
        _secrets = Normalize(secrets);
    }

    private SecretRedactor(IEnumerable<string> secrets) => _secrets = Normalize(secrets);

    /// <summary>A redactor for exactly these secrets (tools and tests that build the provider layer by hand).</summary>
    public static SecretRedactor For(params IEnumerable<string> secrets) => new(secrets);

    /// <summary>Adds a secret to redact from now on (the hook for keys created at run time, such as virtual keys).</summary>
    public void Add(string secret)
    {
        lock (_gate)
        {
            _secrets = Normalize([.. _secrets, secret]);
        }
    }

    /// <summary><paramref name="text"/> with every known secret replaced by <see cref="Placeholder"/>.</summary>
    public string Redact(string text)
    {
        var secrets = Volatile.Read(ref _secrets);
        foreach (var secret in secrets)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                text = text.Replace(secret, Placeholder, StringComparison.Ordinal);
            }
        }

        return text;
    }

    // Longest first, so a key that contains another is replaced whole.
    private static string[] Normalize(IEnumerable<string> secrets) =>
        [.. secrets.Select(s => s.Trim()).Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length)];
}
