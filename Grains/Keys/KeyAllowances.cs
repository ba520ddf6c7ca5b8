using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace OrleansGateway.Keys;

/// <summary>
/// This frontend's <see cref="KeyAllowance"/> per virtual key, created on first use, under one holder name
/// for the process (machine, process id and a random part), which is how the key grains tell frontends apart.
/// </summary>
public sealed class KeyAllowances(IGrainFactory grains, TimeProvider time, ILogger<KeyAllowance> logger) : IDisposable
{
    private readonly ConcurrentDictionary<string, KeyAllowance> _byKey = new(StringComparer.Ordinal);

    /// <summary>This process's name towards the key grains.</summary>
    public string Holder { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>The allowance of key <paramref name="keyId"/> on this frontend.</summary>
    public KeyAllowance For(string keyId) =>
        _byKey.TryGetValue(keyId, out var allowance) ? allowance : _byKey.GetOrAdd(keyId, Create);

    /// <summary>Reports what this frontend used of <paramref name="keyId"/> and gives back what it holds unused, if it holds any.</summary>
    public Task FlushAsync(string keyId) => _byKey.TryGetValue(keyId, out var allowance) ? allowance.FlushAsync() : Task.CompletedTask;

    public void Dispose()
    {
        foreach (var allowance in _byKey.Values)
        {
            allowance.Dispose();
        }
    }

    private KeyAllowance Create(string keyId)
    {
        // GetOrAdd may build one that loses the race; it is disposed (its timer never ran).
        var created = new KeyAllowance(grains.GetGrain<IKeyGrain>(keyId), keyId, Holder, time, logger);
        return created;
    }
}
