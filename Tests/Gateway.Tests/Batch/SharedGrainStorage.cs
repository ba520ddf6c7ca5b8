using Orleans.Runtime;
using Orleans.Storage;

namespace OrleansGateway.Tests.Batch;

/// <summary>A silo's grain storage over a <see cref="SharedGrainStore"/>, serializing with the silo's own grain storage serializer.</summary>
public sealed class SharedGrainStorage(SharedGrainStore store, IGrainStorageSerializer serializer) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (store.TryGet(stateName, grainId, out var data, out var etag))
        {
            grainState.State = serializer.Deserialize<T>(data);
            grainState.ETag = etag;
            grainState.RecordExists = true;
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        grainState.ETag = store.Write(stateName, grainId, serializer.Serialize(grainState.State), grainState.ETag);
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        store.Remove(stateName, grainId);
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }
}
