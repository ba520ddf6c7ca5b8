using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;

namespace OrleansGateway.Frontend.Keys;

/// <summary>
/// Virtual key secrets: <c>sk-gw-</c> and 32 bytes from the operating system's CSPRNG (base64url), shown
/// once; stored and looked up only as their SHA-256, compared in constant time.
/// </summary>
public static class VirtualKeySecret
{
    /// <summary>What every virtual key secret starts with.</summary>
    public const string Prefix = "sk-gw-";

    /// <summary>A new secret.</summary>
    public static string Generate()
    {
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        return Prefix + Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>Whether <paramref name="candidate"/> has the shape of a virtual key secret.</summary>
    public static bool LooksLikeOne(ReadOnlySpan<char> candidate) => candidate.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The SHA-256 of a secret.</summary>
    public static ImmutableArray<byte> Hash(ReadOnlySpan<char> secret) =>
        ImmutableArray.Create(SHA256.HashData(Encoding.UTF8.GetBytes(secret.ToString())));

    /// <summary>The hash as lower-case hex, the registry's index key.</summary>
    public static string Hex(ImmutableArray<byte> hash) => Convert.ToHexStringLower(hash.AsSpan());

    /// <summary>Whether two hashes are equal, in constant time.</summary>
    public static bool SameHash(ImmutableArray<byte> a, ImmutableArray<byte> b) =>
        a.Length == b.Length && CryptographicOperations.FixedTimeEquals(a.AsSpan(), b.AsSpan());
}
