using System.Security.Cryptography;
using System.Text;

namespace OrleansGateway.Frontend.Auth;

/// <summary>
/// The gateway's keys: <c>SECRET_TOKEN</c> plus the comma-separated <c>API_KEYS</c>. Compares in
/// constant time (SHA-256 digests of equal length, <see cref="CryptographicOperations.FixedTimeEquals"/>).
/// A setting that is present but blank is a start-up error naming it, never an open gateway.
/// </summary>
public sealed class ApiKeyValidator
{
    private readonly byte[][] _keyDigests;

    public ApiKeyValidator(IConfiguration configuration)
    {
        var keys = new List<string>();
        var blank = new List<string>();
        // An empty value is how a configuration layer removes a key; spaces or bare commas are a mistake.
        if (configuration["SECRET_TOKEN"] is { Length: > 0 } secret)
        {
            if (string.IsNullOrWhiteSpace(secret))
            {
                blank.Add("SECRET_TOKEN is set but blank");
            }
            else
            {
                keys.Add(secret.Trim());
            }
        }

        if (configuration["API_KEYS"] is { Length: > 0 } apiKeys)
        {
            var listed = apiKeys.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (listed.Length == 0)
            {
                blank.Add("API_KEYS is set but holds no key (a comma-separated list of keys)");
            }

            keys.AddRange(listed);
        }

        if (blank.Count > 0)
        {
            // A blank key would leave the gateway open while its operator believes it is closed.
            throw new InvalidOperationException(
                $"{string.Join("; ", blank)}: give it a key, or remove the setting to serve without authentication.");
        }

        _keyDigests = keys.Where(k => k.Length > 0).Distinct(StringComparer.Ordinal).Select(Digest).ToArray();
    }

    /// <summary>Whether any key is configured; without one the gateway serves openly.</summary>
    public bool Enabled => _keyDigests.Length > 0;

    /// <summary>Whether <paramref name="candidate"/> is one of the keys.</summary>
    public bool IsValid(ReadOnlySpan<char> candidate)
    {
        if (candidate.IsEmpty)
        {
            return false;
        }

        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        var bytes = Encoding.UTF8.GetBytes(candidate.ToString());
        SHA256.HashData(bytes, digest);
        var match = false;
        foreach (var key in _keyDigests)
        {
            // No early exit: every key is compared, each in constant time.
            match |= CryptographicOperations.FixedTimeEquals(digest, key);
        }

        return match;
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
