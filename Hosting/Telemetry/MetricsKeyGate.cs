using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace OrleansGateway.Hosting.Telemetry;

/// <summary>
/// Guards <c>GET /metrics</c> with the gateway's keys (<c>SECRET_TOKEN</c> and the comma-separated
/// <c>API_KEYS</c>): <c>Authorization: Bearer &lt;key&gt;</c> (what a Prometheus scrape sends),
/// <c>X-API-Key</c>, or HTTP Basic with the key as password (as for the dashboard). Open when no key is
/// configured or <see cref="GatewayTelemetryOptions.MetricsOpen"/> is set. Constant-time comparison.
/// </summary>
public sealed class MetricsKeyGate
{
    private readonly byte[][] _keyDigests;

    public MetricsKeyGate(IConfiguration configuration, bool open)
    {
        var keys = new List<string>();
        if (!open)
        {
            if (configuration["SECRET_TOKEN"] is { } secret && !string.IsNullOrWhiteSpace(secret))
            {
                keys.Add(secret.Trim());
            }

            keys.AddRange((configuration["API_KEYS"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        _keyDigests = keys.Distinct(StringComparer.Ordinal).Select(Digest).ToArray();
    }

    /// <summary>Whether a scrape must send a key.</summary>
    public bool Enabled => _keyDigests.Length > 0;

    /// <summary>Whether <paramref name="request"/> may read the metrics.</summary>
    public bool Allows(HttpRequest request)
    {
        if (!Enabled)
        {
            return true;
        }

        if (request.Headers.TryGetValue("X-API-Key", out var apiKey) && IsKey(apiKey.ToString().Trim()))
        {
            return true;
        }

        var header = request.Headers.Authorization.ToString().Trim();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return IsKey(header["Bearer ".Length..].Trim());
        }

        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                return colon >= 0 && IsKey(decoded[(colon + 1)..]);
            }
            catch (FormatException)
            {
                return false;
            }
        }

        return false;
    }

    private bool IsKey(string candidate)
    {
        if (candidate.Length == 0)
        {
            return false;
        }

        var digest = Digest(candidate);
        var match = false;
        foreach (var key in _keyDigests)
        {
            match |= CryptographicOperations.FixedTimeEquals(digest, key);
        }

        return match;
    }

    private static byte[] Digest(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}
