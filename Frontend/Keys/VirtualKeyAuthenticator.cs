using System.Collections.Concurrent;
using OrleansGateway.Keys;
using OrleansGateway.Secrets;

namespace OrleansGateway.Frontend.Keys;

/// <summary>
/// Checks a presented <c>sk-gw-...</c> secret: its SHA-256 finds the key id (remembered, it never
/// changes), the key's grain gives its stored hash, settings and state, compared in constant time.
/// What the grain said is kept for <see cref="Freshness"/> only, so a revocation, an expiry or a new
/// setting takes effect on every frontend within that time. A secret seen valid is added to the
/// <see cref="SecretRedactor"/>, so no log line or error text of this process shows it.
/// </summary>
public sealed class VirtualKeyAuthenticator(IGrainFactory grains, TimeProvider time, SecretRedactor redactor)
{
    /// <summary>How long a key's settings and state are reused before its grain is asked again.</summary>
    public static readonly TimeSpan Freshness = TimeSpan.FromMilliseconds(500);

    private readonly ConcurrentDictionary<string, string> _idsByHash = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (VirtualKeyAuth Auth, DateTimeOffset FetchedAt)> _auth = new(StringComparer.Ordinal);

    /// <summary>The key <paramref name="secret"/> belongs to when it is valid, not revoked and not expired; otherwise null.</summary>
    public async ValueTask<VirtualKeyCaller?> AuthenticateAsync(string secret)
    {
        var hash = VirtualKeySecret.Hash(secret);
        var hex = VirtualKeySecret.Hex(hash);
        var now = time.GetUtcNow();
        if (!_auth.TryGetValue(hex, out var cached) || now - cached.FetchedAt >= Freshness)
        {
            if (!_idsByHash.TryGetValue(hex, out var id))
            {
                id = await grains.GetGrain<IKeyRegistryGrain>(KeyRegistry.Key).FindAsync(hex);
                if (id is null)
                {
                    return null;
                }

                _idsByHash[hex] = id;
            }

            if (await grains.GetGrain<IKeyGrain>(id).GetAuthAsync() is not { } auth)
            {
                return null;
            }

            if (!_auth.ContainsKey(hex) && VirtualKeySecret.SameHash(auth.SecretHash, hash))
            {
                redactor.Add(secret);
            }

            cached = (auth, now);
            _auth[hex] = cached;
        }

        var (found, _) = cached;
        if (!VirtualKeySecret.SameHash(found.SecretHash, hash) || found.Revoked || found.Settings.ExpiresAt <= now)
        {
            return null;
        }

        return new VirtualKeyCaller(found.Id, found.Settings);
    }

    /// <summary>Forgets what is known of <paramref name="keyId"/>, so this frontend sees a change at once (the admin API calls it).</summary>
    public void Forget(string keyId)
    {
        foreach (var (hex, entry) in _auth)
        {
            if (entry.Auth.Id == keyId)
            {
                _auth.TryRemove(hex, out _);
            }
        }
    }
}
