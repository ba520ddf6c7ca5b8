using System.Collections.Immutable;
using OrleansGateway.Paging;
using OrleansGateway.Storage;

namespace OrleansGateway.Files;

/// <summary>
/// The list of files in creation order, served in pages (newest first by default), filtered by purpose. It keeps
/// the newest <see cref="MaxListedFiles"/>: older ones leave the list (each stays readable by its id), so its one
/// storage record (about 80 bytes a file) stays well inside an Azure Table entity (1 MiB).
/// </summary>
public sealed class FileRegistryGrain(
    [PersistentState("file-registry", GatewayStorage.Name)] IPersistentState<FileRegistryState> state) : Grain, IFileRegistryGrain
{
    /// <summary>Files listed at most; adding one more drops the oldest from the list.</summary>
    public const int MaxListedFiles = 10_000;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        state.State.Files ??= [];
        return Task.CompletedTask;
    }

    public Task AddAsync(string fileId, string purpose) => AddAsync(fileId, purpose, null);

    public async Task AddAsync(string fileId, string purpose, string? keyId)
    {
        if (state.State.Files.Exists(f => f.FileId == fileId))
        {
            return;
        }

        state.State.Files.Add(new FileRegistryEntry { FileId = fileId, Purpose = purpose, KeyId = keyId });
        if (state.State.Files.Count > MaxListedFiles)
        {
            state.State.Files.RemoveRange(0, state.State.Files.Count - MaxListedFiles);
        }

        await state.WriteStateAsync();
    }

    public async Task RemoveAsync(string fileId)
    {
        if (state.State.Files.RemoveAll(f => f.FileId == fileId) > 0)
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IdPage> ListAsync(string? purpose, string? after, int limit, bool ascending) => ListAsync(purpose, after, limit, ascending, null);

    public Task<IdPage> ListAsync(string? purpose, string? after, int limit, bool ascending, string? keyId)
    {
        var files = state.State.Files;
        var step = ascending ? 1 : -1;
        var index = ascending ? 0 : files.Count - 1;
        if (after is not null)
        {
            var position = files.FindIndex(f => f.FileId == after);
            index = position < 0 ? files.Count : position + step;
        }

        var ids = ImmutableArray.CreateBuilder<string>();
        var hasMore = false;
        for (; index >= 0 && index < files.Count; index += step)
        {
            if ((purpose is not null && files[index].Purpose != purpose) || (keyId is not null && files[index].KeyId != keyId))
            {
                continue;
            }

            if (ids.Count == limit)
            {
                hasMore = true;
                break;
            }

            ids.Add(files[index].FileId);
        }

        return Task.FromResult(new IdPage(ids.ToImmutable(), hasMore));
    }
}
