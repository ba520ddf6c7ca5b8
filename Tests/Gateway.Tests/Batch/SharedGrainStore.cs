using Orleans.Runtime;
using Orleans.Storage;

namespace OrleansGateway.Tests.Batch;

/// <summary>
/// Grain state held outside every silo (in the test process), so it outlives a killed silo the way
/// a real database does. Each silo reaches it through its own <see cref="SharedGrainStorage"/>.
/// </summary>
public sealed class SharedGrainStore
{
    private readonly ConcurrentDictionary<(string StateName, GrainId GrainId), (BinaryData Data, string ETag)> _records = new();

    /// <summary>The stored record, if any.</summary>
    public bool TryGet(string stateName, GrainId grainId, out BinaryData data, out string etag)
    {
        if (_records.TryGetValue((stateName, grainId), out var record))
        {
            (data, etag) = record;
            return true;
        }

        (data, etag) = (BinaryData.Empty, string.Empty);
        return false;
    }

    /// <summary>Writes when <paramref name="expectedETag"/> matches the stored one (null: no record yet); returns the new ETag.</summary>
    public string Write(string stateName, GrainId grainId, BinaryData data, string? expectedETag)
    {
        var key = (stateName, grainId);
        var etag = Guid.NewGuid().ToString("N");
        lock (_records)
        {
            var exists = _records.TryGetValue(key, out var current);
            if ((exists ? current.ETag : null) != expectedETag)
            {
                throw new InconsistentStateException($"ETag mismatch writing {stateName} of {grainId}", exists ? current.ETag : "(none)", expectedETag ?? "(none)");
            }

            _records[key] = (data, etag);
        }

        return etag;
    }

    /// <summary>Removes a record.</summary>
    public void Remove(string stateName, GrainId grainId) => _records.TryRemove((stateName, grainId), out _);
}
