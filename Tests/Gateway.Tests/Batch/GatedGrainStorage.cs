using Orleans.Runtime;
using Orleans.Storage;

namespace OrleansGateway.Tests.Batch;

/// <summary>
/// Grain storage over a <see cref="SharedGrainStorage"/> (<see cref="Inner"/>, set by the silo) whose writes of one
/// state wait while <see cref="Hold"/> is set, and fail while <see cref="FailWrites"/> is set.
/// </summary>
public sealed class GatedGrainStorage(string gatedState) : IGrainStorage
{
    /// <summary>The storage written through.</summary>
    public SharedGrainStorage? Inner { get; set; }

    private volatile TaskCompletionSource? _gate;

    /// <summary>Makes writes of the gated state wait until <see cref="Release"/>.</summary>
    public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Lets waiting and later writes through.</summary>
    public void Release()
    {
        var gate = _gate;
        _gate = null;
        gate?.TrySetResult();
    }

    /// <summary>Whether writes of the gated state throw (storage refusing them).</summary>
    public bool FailWrites { get; set; }

    /// <summary>How many writes of the gated state were refused.</summary>
    public int FailedWrites => _failedWrites;

    /// <summary>How many writes of the gated state are waiting.</summary>
    public int Waiting => _waiting;

    private SharedGrainStorage Storage => Inner ?? throw new InvalidOperationException("No inner storage set.");

    private int _waiting;
    private int _failedWrites;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Storage.ReadStateAsync(stateName, grainId, grainState);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (stateName == gatedState && FailWrites)
        {
            Interlocked.Increment(ref _failedWrites);
            throw new IOException($"Writes of '{gatedState}' are refused by the test.");
        }

        if (stateName == gatedState && _gate is { } gate)
        {
            Interlocked.Increment(ref _waiting);
            try
            {
                await gate.Task;
            }
            finally
            {
                Interlocked.Decrement(ref _waiting);
            }
        }

        await Storage.WriteStateAsync(stateName, grainId, grainState);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Storage.ClearStateAsync(stateName, grainId, grainState);
}
