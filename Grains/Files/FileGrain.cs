using OrleansGateway.Storage;

namespace OrleansGateway.Files;

/// <summary>One file's metadata, durable in grain storage; the bytes stay in the blob store.</summary>
public sealed class FileGrain(
    [PersistentState("file", GatewayStorage.Name)] IPersistentState<FileGrainState> state) : Grain, IFileGrain
{
    public async Task<FileRecord> CreateAsync(FileRecord record)
    {
        if (state.State.File is { } existing)
        {
            return existing;
        }

        state.State.File = record;
        state.State.Deleted = false;
        await state.WriteStateAsync();
        return record;
    }

    public Task<FileRecord?> GetAsync() => Task.FromResult(state.State.File);

    public async Task<FileRecord?> SetBytesAsync(long bytes)
    {
        if (state.State.File is not { } file || file.Bytes == bytes)
        {
            return state.State.File;
        }

        state.State.File = file with { Bytes = bytes };
        await state.WriteStateAsync();
        return state.State.File;
    }

    public async Task<FileRecord?> DeleteAsync()
    {
        var file = state.State.File;
        if (file is null)
        {
            return null;
        }

        state.State.File = null;
        state.State.Deleted = true;
        await state.WriteStateAsync();
        return file;
    }
}
