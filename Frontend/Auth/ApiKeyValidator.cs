using System.Buffers;
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

        var distinct = keys.Where(k => k.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        _keyDigests = distinct.Select(Digest).ToArray();
        _anyShapedLikeAVirtualKey = distinct.Any(k => VirtualKeySecret.LooksLikeOne(k));
    }

    private readonly bool _anyShapedLikeAVirtualKey;

    /// <summary>Whether any key is configured; without one the gateway serves openly.</summary>
    public bool Enabled => _keyDigests.Length > 0;

    /// <summary>
    /// Whether <paramref name="candidate"/>, shaped like a virtual key's secret (<c>sk-gw-...</c>), is one of these keys:
    /// false at once, without hashing it, when none of them has that shape (the usual case).
    /// </summary>
    public bool IsValidVirtualShaped(ReadOnlySpan<char> candidate) => _anyShapedLikeAVirtualKey && IsValid(candidate);

    /// <summary>Whether <paramref name="candidate"/> is one of the keys.</summary>
    public bool IsValid(ReadOnlySpan<char> candidate)
    {
        if (candidate.IsEmpty)
        {
            return false;
        }

        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        var length = Encoding.UTF8.GetMaxByteCount(candidate.Length);
        var rented = length <= 512 ? null : ArrayPool<byte>.Shared.Rent(length);
        Span<byte> buffer = rented is null ? stackalloc byte[512] : rented;
        SHA256.HashData(buffer[..Encoding.UTF8.GetBytes(candidate, buffer)], digest);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        }

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
