using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using OrleansGateway.Keys;
using OrleansGateway.Secrets;

namespace OrleansGateway.Frontend.Keys;

/// <summary>
/// Checks a presented <c>sk-gw-...</c> secret: its SHA-256 finds the key id (remembered, it never
/// changes), the key's grain gives its stored hash, settings and state, compared in constant time.
/// What the grain said is kept for <see cref="Freshness"/> only, so a revocation, an expiry or a new
/// setting takes effect on every frontend within that time. A secret seen valid is added to the
/// <see cref="SecretRedactor"/>, so no log line or error text of this process shows it, and remembered
/// (as the redactor does) so that its next requests are recognised without hashing it again: a look-up
/// by the presented characters, compared in constant time (<see cref="FixedTimeComparer"/>), from the
/// header's text without a copy. Only secrets whose hash matched a key's are remembered, so unknown
/// secrets cannot grow it.
/// </summary>
public sealed class VirtualKeyAuthenticator
{
    /// <summary>How long a key's settings and state are reused before its grain is asked again.</summary>
    public static readonly TimeSpan Freshness = TimeSpan.FromMilliseconds(500);

    private readonly IGrainFactory _grains;
    private readonly TimeProvider _time;
    private readonly SecretRedactor _redactor;
    private readonly ConcurrentDictionary<string, string> _idsByHash = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, KnownSecret> _known = new(FixedTimeComparer.Instance);
    private readonly ConcurrentDictionary<string, KnownSecret>.AlternateLookup<ReadOnlySpan<char>> _knownBySpan;

    public VirtualKeyAuthenticator(IGrainFactory grains, TimeProvider time, SecretRedactor redactor)
    {
        _grains = grains;
        _time = time;
        _redactor = redactor;
        _knownBySpan = _known.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>
    /// The key <paramref name="secret"/> belongs to when it is valid, not revoked and not expired; otherwise null.
    /// Completes at once (no hashing, no allocation) for a secret seen valid whose key was looked at less than
    /// <see cref="Freshness"/> ago.
    /// </summary>
    public ValueTask<VirtualKeyCaller?> AuthenticateAsync(ReadOnlySpan<char> secret)
    {
        var now = _time.GetUtcNow();
        if (_knownBySpan.TryGetValue(secret, out var known) && known.Current is { } current && now - current.FetchedAt < Freshness)
        {
            return ValueTask.FromResult(Valid(current, now));
        }

        return LookUpAsync(secret.ToString(), known, now);
    }

    /// <summary>Forgets what is known of <paramref name="keyId"/>, so this frontend sees a change at once (the admin API calls it).</summary>
    public void Forget(string keyId)
    {
        foreach (var known in _known.Values)
        {
            if (known.Id == keyId)
            {
                known.Current = null;
            }
        }
    }

    private async ValueTask<VirtualKeyCaller?> LookUpAsync(string secret, KnownSecret? known, DateTimeOffset now)
    {
        ImmutableArray<byte> hash;
        string id;
        if (known is not null)
        {
            (hash, id) = (known.Hash, known.Id);
        }
        else
        {
            hash = VirtualKeySecret.Hash(secret);
            var hex = VirtualKeySecret.Hex(hash);
            if (!_idsByHash.TryGetValue(hex, out var found))
            {
                found = await _grains.GetGrain<IKeyRegistryGrain>(KeyRegistry.Key).FindAsync(hex);
                if (found is null)
                {
                    return null;
                }

                _idsByHash[hex] = found;
            }

            id = found;
        }

        if (await _grains.GetGrain<IKeyGrain>(id).GetAuthAsync() is not { } auth || !VirtualKeySecret.SameHash(auth.SecretHash, hash))
        {
            return null;
        }

        var snapshot = new AuthSnapshot(auth, new VirtualKeyCaller(auth.Id, auth.Settings), now);
        if (known is null)
        {
            _redactor.Add(secret);
            known = _known.GetOrAdd(secret, static (_, state) => new KnownSecret(state.Id, state.Hash), (Id: id, Hash: hash));
        }

        known.Current = snapshot;
        return Valid(snapshot, now);
    }

    private static VirtualKeyCaller? Valid(AuthSnapshot snapshot, DateTimeOffset now) =>
        snapshot.Auth.Revoked || snapshot.Auth.Settings.ExpiresAt <= now ? null : snapshot.Caller;

    /// <summary>What the key's grain said at <paramref name="FetchedAt"/>, and the caller handed to the requests meanwhile.</summary>
    private sealed record AuthSnapshot(VirtualKeyAuth Auth, VirtualKeyCaller Caller, DateTimeOffset FetchedAt);

    /// <summary>A secret seen valid: its key (never changes) and hash, and the key's last look-up (null: look again).</summary>
    private sealed class KnownSecret(string id, ImmutableArray<byte> hash)
    {
        public string Id { get; } = id;

        public ImmutableArray<byte> Hash { get; } = hash;

        private volatile AuthSnapshot? _current;

        public AuthSnapshot? Current
        {
            get => _current;
            set => _current = value;
        }
    }

    /// <summary>
    /// Equality of secrets in constant time for a given length (<see cref="CryptographicOperations.FixedTimeEquals"/>
    /// over the characters), with the runtime's per-process randomised string hash, so where a presented secret
    /// lands tells nothing about the known ones. Also compares the header's characters without a copy.
    /// </summary>
    private sealed class FixedTimeComparer : IEqualityComparer<string>, IAlternateEqualityComparer<ReadOnlySpan<char>, string>
    {
        public static readonly FixedTimeComparer Instance = new();

        public bool Equals(string? x, string? y) => x is not null && y is not null && Equals(x.AsSpan(), y);

        public int GetHashCode(string obj) => string.GetHashCode(obj.AsSpan());

        public bool Equals(ReadOnlySpan<char> alternate, string other) =>
            CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(alternate), MemoryMarshal.AsBytes(other.AsSpan()));

        public int GetHashCode(ReadOnlySpan<char> alternate) => string.GetHashCode(alternate);

        public string Create(ReadOnlySpan<char> alternate) => alternate.ToString();
    }
}
