namespace OrleansGateway.Storage;

/// <summary>A blob in grain storage <c>gateway-blobs</c> (memory in a cluster without blob storage); see <see cref="GrainBlobStore"/>.</summary>
public sealed class BlobGrain(
    [PersistentState("blob", GrainBlobStore.StorageName)] IPersistentState<BlobGrainState> state) : Grain, IBlobGrain
{
    public async Task WriteAsync(byte[] bytes)
    {
        state.State.Bytes = bytes;
        await state.WriteStateAsync();
    }

    public Task<byte[]?> ReadAsync() => Task.FromResult(state.RecordExists ? state.State.Bytes : null);

    public async Task<bool> DeleteAsync()
    {
        if (!state.RecordExists)
        {
            return false;
        }

        await state.ClearStateAsync();
        DeactivateOnIdle();
        return true;
    }
}
